import Foundation
import GRDB

/// A stored audit event with its place in the organisation's chain.
struct AuditEventRecord: Sendable, Equatable {
    /// Position in the organisation's chain, from 1.
    var sequence: Int64
    /// When it happened, in milliseconds since the epoch.
    var at: Int64
    /// Who acted (nil for an anonymous caller).
    var actor: String?
    /// The account the actor acted for.
    var onBehalfOf: String?
    /// Dotted lower case, e.g. `login`, `roles.set`.
    var action: String
    /// `success`, `failure` or `denied`.
    var outcome: String
    /// The account acted upon.
    var subject: String?
    /// The client whose data was concerned.
    var client: String?
    /// The request that caused it.
    var requestID: String
    /// Non-secret details.
    var detail: String
    /// This event's hash.
    var hash: Data
    /// The previous event's hash (32 zero bytes for the first).
    var previousHash: Data

    /// The columns `init(row:)` reads, for `FROM audit_events`.
    static let selection = """
        SELECT seq, at, actor, on_behalf_of, action, outcome, subject, client, request_id, detail,
            prev_hash, hash
        FROM audit_events
        """

    /// Reads a row selected with `selection`.
    init(row: Row) {
        sequence = row["seq"]
        at = row["at"]
        actor = row["actor"]
        onBehalfOf = row["on_behalf_of"]
        action = row["action"]
        outcome = row["outcome"]
        subject = row["subject"]
        client = row["client"]
        requestID = row["request_id"]
        detail = row["detail"]
        hash = row["hash"]
        previousHash = row["prev_hash"]
    }
}
