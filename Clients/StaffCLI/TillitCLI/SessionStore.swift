import Foundation

/// The session file: `$TILLIT_CONFIG_DIR/session.json`, else `$XDG_CONFIG_HOME/tillit/`, else
/// `~/.config/tillit/`. The folder is created with mode 0700 and the file written atomically
/// with mode 0600. A lock file serialises refreshes between concurrent `tillit` processes.
struct SessionStore: Sendable {
    /// The folder holding `session.json`.
    let directory: URL

    /// The store for this environment.
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit = environment["TILLIT_CONFIG_DIR"], !explicit.isEmpty {
            directory = URL(fileURLWithPath: explicit)
        } else if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            directory = URL(fileURLWithPath: xdg).appendingPathComponent("tillit")
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            directory = URL(fileURLWithPath: home).appendingPathComponent(".config/tillit")
        }
    }

    /// The session file's path.
    var file: URL { directory.appendingPathComponent("session.json") }

    /// The stored session, or nil when there is none.
    func load() throws -> Session? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Session.self, from: data)
        } catch {
            throw CLIError(
                .auth, "the session file \(file.path) is damaged: log in again with `tillit login`")
        }
    }

    /// Replaces the stored session atomically (write a 0600 temporary file, then rename).
    func save(_ session: Session) throws {
        try ensureDirectory()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(session)
        let temporary = directory.appendingPathComponent(".session.json.\(getpid()).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw writeError(errno) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0 else {
            unlink(temporary.path)
            throw writeError(errno)
        }
        guard rename(temporary.path, file.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw writeError(code)
        }
    }

    /// Removes the stored session; no error when there is none.
    func delete() throws {
        if unlink(file.path) != 0, errno != ENOENT { throw writeError(errno) }
    }

    /// Runs `body` holding an exclusive lock on `session.lock`, so that only one process at a
    /// time refreshes (a refresh token is usable once; a second use would end the session).
    func withLock<T>(_ body: () async throws -> T) async throws -> T {
        try ensureDirectory()
        let path = directory.appendingPathComponent("session.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw writeError(errno) }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw writeError(errno) }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    private func ensureDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            return
        }
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError(.internalError, "cannot create \(directory.path): \(error.localizedDescription)")
        }
    }

    private func writeError(_ code: Int32) -> CLIError {
        CLIError(
            .internalError,
            "cannot write the session in \(directory.path): \(String(cString: strerror(code))) (set TILLIT_CONFIG_DIR to a writable folder)"
        )
    }
}
