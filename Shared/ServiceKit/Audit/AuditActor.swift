/// Who an audit event is recorded for: the organisation whose chain it joins, the acting
/// account, the account it acted for, the service that relayed the call and the request id.
/// Built from the call (`init(_ caller:)`), so a handler cannot leave any of them out.
public struct AuditActor: Sendable, Equatable {
    /// The organisation whose chain the event joins.
    public var organization: String
    /// Who acted (nil for an anonymous caller, e.g. a failed login).
    public var actor: String?
    /// The account the actor acted for.
    public var onBehalfOf: String?
    /// The service that relayed the call.
    public var via: String?
    /// The call's request id (at most 128 characters are kept).
    public var requestID: String

    /// An actor spelled out (anonymous callers, work a service does by itself).
    public init(
        organization: String, actor: String?, onBehalfOf: String? = nil, via: String? = nil,
        requestID: String
    ) {
        self.organization = organization
        self.actor = actor
        self.onBehalfOf = onBehalfOf
        self.via = via
        self.requestID = String(requestID.prefix(128))
    }

    /// The authenticated caller of the current call: their organisation, account, the account
    /// they act for, the relaying service and the request id.
    public init(_ caller: Caller) {
        self.init(
            organization: caller.organization, actor: caller.id, onBehalfOf: caller.onBehalfOf,
            via: caller.via, requestID: caller.requestID)
    }

    /// The same actor acting for `account` (e.g. staff recording a client's consent).
    public func acting(for account: String?) -> AuditActor {
        var copy = self
        copy.onBehalfOf = account
        return copy
    }
}
