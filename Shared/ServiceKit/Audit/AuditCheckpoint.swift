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

    /// `bytes` as lower-case hex.
    static func hex(_ bytes: Data) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
