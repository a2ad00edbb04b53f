import Foundation

/// The head of one organisation's audit chain at a moment: exported by `tillit audit checkpoint`
/// and beside every backup, kept away from the database, and checked by `verify`, so cutting the
/// chain back to before it, or rewriting anything up to it, is detected.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    /// The organisation.
    public var organization: String
    /// The sequence number of the last event (0 for an empty chain).
    public var sequence: Int64
    /// That event's seal (lower-case hex of 32 bytes; the genesis link for an empty chain).
    public var hash: String

    /// A checkpoint.
    public init(organization: String, sequence: Int64, hash: String) {
        self.organization = organization
        self.sequence = sequence
        self.hash = hash
    }

    /// The checkpoint as a file's content: JSON with `organization`, `sequence`, `hash` and
    /// `takenAt` (ISO 8601).
    public func fileContents(takenAt: Date) throws -> Data {
        struct File: Encodable {
            var organization: String
            var sequence: Int64
            var hash: String
            var takenAt: Date
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(
            File(organization: organization, sequence: sequence, hash: hash, takenAt: takenAt))
    }

    /// The checkpoint in a file written by `fileContents(takenAt:)`, or nil when `data` is not one.
    public init?(fileContents data: Data) {
        guard let decoded = try? JSONDecoder().decode(AuditCheckpoint.self, from: data),
            decoded.sequence >= 0, decoded.hash.utf8.count == 64
        else { return nil }
        self = decoded
    }

    /// Writes `contents` to a new file at `path`, never replacing one: written beside it,
    /// synced, then linked into place.
    ///
    /// - Throws: `KeyFile.Failure` when `path` exists or cannot be written.
    public static func writeNewFile(_ contents: Data, to path: String) throws {
        let partial = path + ".partial-\(getpid())"
        unlink(partial)
        try KeyFile.create(partial, bytes: contents)
        defer { unlink(partial) }
        guard link(partial, path) == 0 else {
            throw KeyFile.Failure(path: path, reason: "cannot create (\(KeyFile.errnoText()))")
        }
    }

    /// `bytes` as lower-case hex.
    static func hex(_ bytes: Data) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
