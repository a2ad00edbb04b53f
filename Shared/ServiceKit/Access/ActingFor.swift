import TillitRPC

/// The account a service acts for, proven by that account's own access token relayed with the
/// call (`x-on-behalf-of` names it, `x-on-behalf-of-token` carries the token). Set by the
/// `AuthenticationInterceptor` only after verifying the token; `Caller.onBehalfOf` reads it from
/// here and never from the bare header.
public enum ActingForKey: ServerContextKey {
    /// The verified principal of the relayed token.
    public typealias Value = Principal
}

extension ServerContext {
    /// The account the calling service acts for, verified from the relayed token; nil otherwise.
    public var actingFor: Principal? {
        self[ActingForKey.self]
    }
}
