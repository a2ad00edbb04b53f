import Crypto
import Foundation

/// Signs access tokens as PASETO v4.public with one Ed25519 key; the footer names the key.
public struct AccessTokenSigner: Sendable {
    /// The id verifiers look the public key up by.
    public let keyID: String
    private let privateKey: Curve25519.Signing.PrivateKey
    private let footer: Data

    /// A signer with the key published under `keyID`.
    public init(keyID: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.keyID = keyID
        self.privateKey = privateKey
        // Encoding a struct of one string cannot fail.
        self.footer = try! KeyIDFooter(kid: keyID).encoded()
    }

    /// The public key verifiers need, under this signer's key id.
    public func verificationKey(notAfter: Date) -> VerificationKey {
        VerificationKey(keyID: keyID, publicKey: privateKey.publicKey, notAfter: notAfter)
    }

    /// A token carrying `claims`: footer is JSON {"kid":"<keyID>"}; implicit assertion empty.
    public func sign(_ claims: AccessTokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let message = try encoder.encode(claims)
        return try PASETOV4Public.sign(message: message, footer: footer, key: privateKey)
    }
}
