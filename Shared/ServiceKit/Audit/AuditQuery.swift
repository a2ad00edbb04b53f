/// Which audit events to list, newest first, one page at a time.
public struct AuditQuery: Sendable, Equatable {
    /// Only events by this actor.
    public var actor: String?
    /// Only events concerning this client.
    public var client: String?
    /// Only this action (empty: any).
    public var action: String
    /// Only events at or after this time (milliseconds since the epoch).
    public var from: Int64?
    /// Only events before this time (milliseconds since the epoch).
    public var until: Int64?
    /// Only events older than this sequence number (the page cursor).
    public var before: Int64?
    /// At most this many events.
    public var limit: Int

    /// A query; every filter is optional.
    public init(
        actor: String? = nil, client: String? = nil, action: String = "", from: Int64? = nil,
        until: Int64? = nil, before: Int64? = nil, limit: Int = 50
    ) {
        self.actor = actor
        self.client = client
        self.action = action
        self.from = from
        self.until = until
        self.before = before
        self.limit = limit
    }
}
