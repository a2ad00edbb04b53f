/// Verifies a bearer access token locally (signature, expiry, key id) and says who it is for.
/// Identity's published signing keys fill this in; every service uses the same verifier.
public protocol TokenVerifier: Sendable {
    /// The principal of a valid token; otherwise throws an error whose wire form
    /// (`RPCErrorConvertible`) is `UNAUTHENTICATED`, or `UNAVAILABLE` if it cannot tell now.
    /// Any other error is answered as `UNAUTHENTICATED` "invalid access token".
    func verify(_ token: String) async throws -> Principal
}
