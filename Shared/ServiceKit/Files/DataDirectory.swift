import Foundation

/// A service's data folder: created if missing and kept owner-only (0700) on every start, with
/// the SQLite files in it owner-only (0600).
public enum DataDirectory {
    /// Creates `path` (and parents) if needed and sets it to 0700; sets every `*.db`, `*.db-wal`
    /// and `*.db-shm` file in it to 0600.
    public static func prepare(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(path, 0o700) == 0 else {
            throw KeyFile.Failure(path: path, reason: "cannot make owner-only (\(KeyFile.errnoText()))")
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        where name.hasSuffix(".db") || name.hasSuffix(".db-wal") || name.hasSuffix(".db-shm") {
            _ = chmod((path as NSString).appendingPathComponent(name), 0o600)
        }
    }
}
