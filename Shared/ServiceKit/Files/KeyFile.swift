import Foundation

/// Secret key files (signing keys, key-encryption keys): created once with `O_EXCL`, mode 0600,
/// written and synced (file and folder) before anyone relies on them; refused on read when
/// their permissions let anyone but the owner in.
public enum KeyFile {
    /// Why a key file could not be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What is wrong.
        public var reason: String
        /// `<path>: <reason>`.
        public var description: String { "\(path): \(reason)" }
    }

    /// Creates `path` with `bytes`, failing if it exists; syncs it and its folder.
    public static func create(_ path: String, bytes: some Collection<UInt8>) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, reason: "cannot create (\(errnoText()))") }
        defer { close(descriptor) }
        let data = Array(bytes)
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(descriptor) == 0 else {
            throw Failure(path: path, reason: "cannot write (\(errnoText()))")
        }
        syncFolder(of: path)
    }

    /// The contents of `path`, or nil when it does not exist. Throws when it is not `length`
    /// bytes, or readable or writable by group or others.
    public static func read(_ path: String, length: Int) throws -> Data? {
        guard let data = try readSecret(path) else { return nil }
        guard data.count == length else {
            throw Failure(path: path, reason: "is \(data.count) bytes, not a \(length)-byte key")
        }
        return data
    }

    /// The key in `path`, creating it from `generate()` on first use.
    public static func loadOrCreate(_ path: String, length: Int, generate: () -> [UInt8]) throws -> Data {
        if let existing = try read(path, length: length) { return existing }
        let bytes = generate()
        precondition(bytes.count == length, "a generated key has the wrong length")
        do {
            try create(path, bytes: bytes)
        } catch {
            // Another process created it first: use theirs.
            if let existing = try read(path, length: length) { return existing }
            throw error
        }
        return Data(bytes)
    }

    /// Syncs the folder holding `path`, so a new file's name is durable too.
    static func syncFolder(of path: String) {
        let folder = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
