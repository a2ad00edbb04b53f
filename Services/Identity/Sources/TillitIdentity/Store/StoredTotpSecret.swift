import Foundation

/// A stored TOTP secret (still encrypted).
struct StoredTotpSecret: Sendable {
    /// The row id.
    var id: Int64
    /// The sealed secret (`SecretBox`, bound to the account id).
    var ciphertext: Data
    /// The key-encryption key version it is sealed with.
    var keyVersion: Int
    /// The step of the last code accepted (nil: none yet).
    var lastUsedStep: Int64?
}
