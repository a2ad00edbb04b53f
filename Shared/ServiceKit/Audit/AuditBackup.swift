import Foundation
import GRDB
import TillitStorage

/// A service's backup with its audit checkpoints: the database copied with SQLite's online
/// backup API, then, beside it, one checkpoint file per organisation read from the copy itself
/// (`<backup>.audit-<organisation>.checkpoint`), so every backup carries the heads it holds and a
/// later `tillit audit verify --checkpoint` proves the live chain still contains them.
public enum AuditBackup {
    /// Backs `database` up to `path` and writes the checkpoints of the copy; returns them.
    ///
    /// - Throws: `StorageError` when the backup fails, `KeyFile.Failure` when a checkpoint file
    ///   exists already or cannot be written.
    @discardableResult
    public static func write(_ database: ServiceDatabase, to path: String, now: Date = Date()) throws
        -> [AuditCheckpoint]
    {
        // A backup and its checkpoints belong together: never replace one half.
        let url = URL(fileURLWithPath: path)
        let prefix = url.lastPathComponent + ".audit-"
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        if let clash = existing.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".checkpoint") }) {
            throw KeyFile.Failure(
                path: url.deletingLastPathComponent().appendingPathComponent(clash).path,
                reason: "exists already: back up to a new path")
        }
        try database.backup(to: path)
        var configuration = Configuration()
        configuration.readonly = true
        let copy = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? copy.close() }
        let checkpoints = try copy.read { try AuditTrail.checkpoints(db: $0) }
        for checkpoint in checkpoints {
            try AuditCheckpoint.writeNewFile(
                try checkpoint.fileContents(takenAt: now),
                to: checkpointPath(backup: path, organization: checkpoint.organization))
        }
        return checkpoints
    }

    /// Where the checkpoint of `organization` beside the backup at `backup` is written.
    public static func checkpointPath(backup: String, organization: String) -> String {
        "\(backup).audit-\(organization).checkpoint"
    }

    /// `write`, then the lines a backup command prints: each checkpoint file with its event
    /// number, and where the backup went.
    public static func writeReporting(_ database: ServiceDatabase, to path: String) throws -> [String] {
        let checkpoints = try write(database, to: path)
        return checkpoints.map {
            "\(checkpointPath(backup: path, organization: $0.organization)): event \($0.sequence)"
        } + ["backed up to \(path)"]
    }
}
