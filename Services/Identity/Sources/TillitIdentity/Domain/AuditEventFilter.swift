import Foundation

/// Which audit events to list: every set field must match.
struct AuditEventFilter: Sendable {
    /// Only events of this actor.
    var actor: String?
    /// Only events concerning this client.
    var client: String?
    /// Only this action (empty: any).
    var action: String = ""
    /// Only events at or after this instant (milliseconds since the epoch).
    var start: Int64?
    /// Only events before this instant (milliseconds since the epoch).
    var end: Int64?
}
