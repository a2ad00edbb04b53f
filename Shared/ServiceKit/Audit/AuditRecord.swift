import Foundation

/// One stored audit event with its place in the chain.
public struct AuditRecord: Sendable, Equatable {
    /// Position in the organisation's chain, from 1, without gaps.
    public var sequence: Int64
    /// When, in milliseconds since the epoch.
    public var at: Int64
    /// Who, for whom, via which service, in which call.
    public var actor: AuditActor
    /// What happened.
    public var event: AuditEvent
    /// The previous event's hash (32 zero bytes for the first).
    public var previousHash: Data
    /// This event's hash.
    public var hash: Data
}
