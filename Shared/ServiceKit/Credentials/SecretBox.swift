import Crypto
import Foundation

/// Encrypts small secrets (TOTP secrets) at rest with AES-256-GCM under a versioned
/// key-encryption key, so the key can be rotated: new secrets use `currentVersion`, old ones
/// still open with their version.
///
/// Store the returned `keyVersion` next to the ciphertext. To rotate, add a new key, make it
/// current, and re-seal old secrets at leisure (or on use); drop an old key only once no
/// ciphertext uses it.
public struct SecretBox: Sendable {
    private let keys: [Int: SymmetricKey]

    /// The key version `seal` uses.
    public let currentVersion: Int

    /// A box holding every key version that may still be needed to open.
    ///
    /// - Throws: `SecretBoxError` with `.unknownKeyVersion` when `keys` has no `currentVersion`,
    ///   `.invalidKey` when a key is not 256 bits.
    public init(keys: [Int: SymmetricKey], currentVersion: Int) throws {
        for (version, key) in keys where key.bitCount != 256 {
            throw SecretBoxError(
                code: .invalidKey, message: "key version \(version) has \(key.bitCount) bits, not 256")
        }
        guard keys[currentVersion] != nil else {
            throw SecretBoxError(
                code: .unknownKeyVersion, message: "no key for the current version \(currentVersion)")
        }
        self.keys = keys
        self.currentVersion = currentVersion
    }

    /// The key versions this box can open, ascending.
    public var keyVersions: [Int] {
        keys.keys.sorted()
    }

    /// Encrypts `plaintext` under the current key with a random nonce.
    ///
    /// `context` (e.g. the account id) is authenticated but not stored: `open` needs the same
    /// one, so a ciphertext copied to another account does not open.
    ///
    /// - Returns: `nonce ‖ ciphertext ‖ tag` (12 + n + 16 bytes) and the key version used.
    /// - Throws: `SecretBoxError` with `.cannotSeal`.
    public func seal(_ plaintext: some DataProtocol, context: String) throws -> (
        ciphertext: Data, keyVersion: Int
    ) {
        guard let key = keys[currentVersion] else {
            throw SecretBoxError(code: .unknownKeyVersion, message: "no key for version \(currentVersion)")
        }
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
            guard let combined = box.combined else {
                throw SecretBoxError(code: .cannotSeal, message: "AES-GCM gave no combined form")
            }
            return (combined, currentVersion)
        } catch let error as SecretBoxError {
            throw error
        } catch {
            throw SecretBoxError(code: .cannotSeal, message: "cannot encrypt the secret", cause: error)
        }
    }

    /// Decrypts what `seal` returned, with the key of `keyVersion` and the same `context`.
    ///
    /// - Throws: `SecretBoxError` with `.unknownKeyVersion` when this box has no such key,
    ///   `.cannotOpen` when the ciphertext is malformed, tampered with, or sealed under another
    ///   key or context.
    public func open(_ ciphertext: Data, keyVersion: Int, context: String) throws -> Data {
        guard let key = keys[keyVersion] else {
            throw SecretBoxError(code: .unknownKeyVersion, message: "no key for version \(keyVersion)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: ciphertext)
            return try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        } catch {
            throw SecretBoxError(
                code: .cannotOpen, message: "cannot decrypt the secret (key version \(keyVersion))",
                cause: error)
        }
    }
}
