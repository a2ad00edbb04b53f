/// Verifies a bearer access token locally (signature, expiry, key id) and says who it is for.
/// Identity's published signing keys fill this in; every service uses the same verifier.
public protocol TokenVerifier: Sendable {
    /// The principal of a valid token; throws `RPCError` with `UNAUTHENTICATED` otherwise.
    func verify(_ token: String) async throws -> Principal
}
