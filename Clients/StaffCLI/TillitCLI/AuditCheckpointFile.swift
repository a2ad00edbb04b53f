import Foundation
import TillitServiceKit

/// Checkpoint files of the audit chain, as `tillit audit checkpoint` and service backups write
/// them (`AuditCheckpoint.fileContents`).
enum AuditCheckpointFile {
    /// The checkpoint in `path`; a `CLIError` (invalid input) when it is missing or not one.
    static func read(_ path: String) throws -> AuditCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(.invalidInput, "cannot read the checkpoint file \(path)")
        }
        guard let checkpoint = AuditCheckpoint(fileContents: data) else {
            throw CLIError(.invalidInput, "\(path) is not an audit checkpoint")
        }
        return checkpoint
    }

    /// Writes `checkpoint` to a new file at `path`; a `CLIError` (conflict) when one exists.
    static func write(_ checkpoint: AuditCheckpoint, to path: String) throws {
        do {
            try AuditCheckpoint.writeNewFile(try checkpoint.fileContents(takenAt: Date()), to: path)
        } catch let failure as KeyFile.Failure {
            throw CLIError(.conflict, "\(failure) (a checkpoint is never overwritten)")
        }
    }
}
