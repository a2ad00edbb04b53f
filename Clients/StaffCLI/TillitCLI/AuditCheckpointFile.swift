import Foundation

/// A checkpoint of the audit chain as `tillit audit checkpoint` writes it: JSON with the last
/// event's sequence number and seal.
struct AuditCheckpointFile: Codable {
    /// The last event's sequence number.
    var sequence: UInt64
    /// Its seal, 64 lower-case hex digits.
    var hash: String
    /// When it was taken.
    var takenAt: Date

    /// Reads `path`; a `CLIError` (usage) when it is missing or not a checkpoint.
    static func read(_ path: String) throws -> AuditCheckpointFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(.invalidInput, "cannot read the checkpoint file \(path)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let file = try? decoder.decode(AuditCheckpointFile.self, from: data) else {
            throw CLIError(.invalidInput, "\(path) is not a checkpoint written by `tillit audit checkpoint`")
        }
        return file
    }

    /// Writes the checkpoint to a new file at `path` (never overwriting one).
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        guard FileManager.default.createFile(atPath: path + ".partial", contents: data),
            link(path + ".partial", path) == 0
        else {
            unlink(path + ".partial")
            throw CLIError(.conflict, "cannot create \(path) (it may exist already)")
        }
        unlink(path + ".partial")
    }
}
