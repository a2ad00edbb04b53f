import TillitRPC

/// Why an access token was refused. `message` is for local logs and never contains the token;
/// the wire form (`rpcError`) is `UNAUTHENTICATED` with a short reason, or `UNAVAILABLE` when the
/// signing keys cannot be fetched.
public struct TokenError: Error, RPCErrorConvertible, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// Not a well-formed v4.public token with a `kid` footer and valid claims.
        case malformed
        /// The signature does not verify with the key the footer names.
        case badSignature
        /// The footer names a key that is not (or no longer) published.
        case unknownKey
        /// The token expired (beyond the allowed clock skew).
        case expired
        /// The token was issued in the future (beyond the allowed clock skew).
        case notYetValid
        /// The token is for another organisation than this verifier serves.
        case wrongOrganization
        /// The token's issuer or audience is not Tillit's.
        case wrongAudience
        /// The signing keys could not be fetched from Identity.
        case keysUnavailable
        /// The token's session has ended (logout, revoked, password or role change, …).
        case revoked
        /// `exp − iat` is longer than `AccessTokenClaims.maximumLifetime`.
        case lifetimeTooLong
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong, for local logs.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// An error of kind `code`.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `UNAVAILABLE` for `keysUnavailable`, otherwise `UNAUTHENTICATED` with a reason that says
    /// what to do but nothing about the token's content or the keys.
    public var rpcError: RPCError {
        let reason: String
        switch code {
        case .keysUnavailable:
            return RPCError(
                code: .unavailable, message: "cannot verify the access token now (signing keys unavailable)",
                cause: self)
        case .malformed: reason = "malformed"
        case .badSignature: reason = "bad signature"
        case .unknownKey: reason = "signed with an unknown key"
        case .expired: reason = "expired"
        case .notYetValid: reason = "not valid yet (check the clock)"
        case .wrongOrganization: reason = "issued for another organisation"
        case .wrongAudience: reason = "not issued for Tillit"
        case .revoked: reason = "the session has ended; sign in again"
        case .lifetimeTooLong: reason = "lives longer than 15 minutes"
        }
        return RPCError(code: .unauthenticated, message: "invalid access token: \(reason)", cause: self)
    }

    /// `code: message`, and the cause if there is one.
    public var description: String {
        if let cause {
            return "\(code.rawValue): \(message) (\(cause))"
        }
        return "\(code.rawValue): \(message)"
    }
}
