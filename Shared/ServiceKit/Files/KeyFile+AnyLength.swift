import Foundation

extension KeyFile {
    /// The contents of `path` (a PEM key, whatever its length), or nil when it does not exist.
    /// Throws when it is readable or writable by group or others.
    public static func readSecret(_ path: String) throws -> Data? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw Failure(path: path, reason: "cannot read (\(errnoText()))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw Failure(
                path: path,
                reason: "permissions \(String(info.st_mode & 0o777, radix: 8)) are too open; use chmod 600")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(path: path, reason: "cannot read")
        }
        return data
    }
}
