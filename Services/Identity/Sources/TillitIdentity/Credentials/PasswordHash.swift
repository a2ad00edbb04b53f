import Foundation

/// A stored password hash: the algorithm, its parameters, the salt and the derived key.
public struct PasswordHash: Sendable, Hashable {
    /// The key-derivation function; `"scrypt"` is the only one supported.
    public var algorithm: String
    /// The scrypt cost parameters the hash was derived with.
    public var parameters: PasswordParameters
    /// Random salt, 16 bytes for hashes made by `PasswordHasher`.
    public var salt: Data
    /// The derived key (`parameters.length` bytes).
    public var hash: Data

    /// A hash record as stored.
    public init(algorithm: String = "scrypt", parameters: PasswordParameters, salt: Data, hash: Data) {
        self.algorithm = algorithm
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }
}
