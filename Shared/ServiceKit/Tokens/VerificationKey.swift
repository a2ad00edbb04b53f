import Crypto
import Foundation

/// A public key access tokens may be verified with, as Identity publishes it.
public struct VerificationKey: Sendable {
    /// The id tokens name in their footer.
    public var keyID: String
    /// The Ed25519 public key.
    public var publicKey: Curve25519.Signing.PublicKey
    /// No token signed with this key is valid after this instant; the key is unused then.
    public var notAfter: Date

    /// A key published under `keyID`.
    public init(keyID: String, publicKey: Curve25519.Signing.PublicKey, notAfter: Date) {
        self.keyID = keyID
        self.publicKey = publicKey
        self.notAfter = notAfter
    }
}
