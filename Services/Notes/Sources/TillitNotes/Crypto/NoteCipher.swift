import Crypto
import Foundation
import TillitServiceKit

/// Envelope encryption of note bodies: each note has its own random 256-bit data key; bodies,
/// comments and return comments are AES-256-GCM under it, with what they belong to as
/// associated data (organisation, note id and version for a body), so a ciphertext moved to
/// another row or version does not open. The data key is stored wrapped (AES-256-GCM) by the
/// key-encryption key of its class and version (`NoteKeyRing`), with the organisation, note id
/// and class as associated data.
///
/// Whatever does not open — tampered ciphertext, tampered wrapped key, other associated data, a
/// key version no longer configured — is DATA_LOSS, never garbage.
public struct NoteCipher: Sendable {
    /// The key-encryption keys.
    public let keys: NoteKeyRing

    /// A cipher under `keys`.
    public init(keys: NoteKeyRing) {
        self.keys = keys
    }

    /// A new random data key.
    public func newDataKey() -> SymmetricKey {
        SymmetricKey(size: .bits256)
    }

    /// `dataKey` wrapped under the current key of `keyClass`, with the version used.
    public func wrap(_ dataKey: SymmetricKey, keyClass: NoteKeyClass, organization: String, note: String)
        throws
        -> WrappedKey
    {
        let bytes = dataKey.withUnsafeBytes { Data($0) }
        do {
            let (sealed, version) = try keys.box(keyClass).seal(
                bytes, context: Self.keyContext(keyClass, organization: organization, note: note))
            return WrappedKey(bytes: sealed, keyClass: keyClass, version: version)
        } catch {
            throw ServiceError(.internalError, "cannot wrap a data key", cause: error)
        }
    }

    /// The data key `wrapped` holds; DATA_LOSS when it does not open.
    public func unwrap(_ wrapped: WrappedKey, organization: String, note: String) throws -> SymmetricKey {
        do {
            let bytes = try keys.box(wrapped.keyClass).open(
                wrapped.bytes, keyVersion: wrapped.version,
                context: Self.keyContext(wrapped.keyClass, organization: organization, note: note))
            guard bytes.count == 32 else { throw ServiceError(.dataLoss, "a data key is not 256 bits") }
            return SymmetricKey(data: bytes)
        } catch {
            throw ServiceError(
                .dataLoss, "the note's data key cannot be unwrapped (damaged or tampered)", cause: error)
        }
    }

    /// `wrapped` rewrapped under the current key of its class (its data key unchanged).
    public func rewrap(_ wrapped: WrappedKey, organization: String, note: String) throws -> WrappedKey {
        try wrap(
            unwrap(wrapped, organization: organization, note: note), keyClass: wrapped.keyClass,
            organization: organization, note: note)
    }

    /// `plaintext` sealed under `dataKey` with `context` as associated data:
    /// `nonce ‖ ciphertext ‖ tag`.
    public func seal(_ plaintext: Data, dataKey: SymmetricKey, context: String) throws -> Data {
        do {
            guard
                let combined = try AES.GCM.seal(plaintext, using: dataKey, authenticating: Data(context.utf8))
                    .combined
            else { throw ServiceError(.internalError, "AES-GCM gave no combined form") }
            return combined
        } catch {
            throw ServiceError(.internalError, "cannot encrypt", cause: error)
        }
    }

    /// What `seal` sealed; DATA_LOSS when it does not open with `context`.
    public func open(_ sealed: Data, dataKey: SymmetricKey, context: String) throws -> Data {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return try AES.GCM.open(box, using: dataKey, authenticating: Data(context.utf8))
        } catch {
            throw ServiceError(.dataLoss, "the note cannot be decrypted (damaged or tampered)", cause: error)
        }
    }

    /// The associated data of a body version.
    public static func bodyContext(organization: String, note: String, version: Int) -> String {
        "tillit-notes/body|\(organization)|\(note)|\(version)"
    }

    /// The associated data of a comment.
    public static func commentContext(organization: String, note: String, comment: String) -> String {
        "tillit-notes/comment|\(organization)|\(note)|\(comment)"
    }

    /// The associated data of a return comment given at `returnedAt` (milliseconds).
    public static func returnContext(organization: String, note: String, returnedAt: Int64) -> String {
        "tillit-notes/return|\(organization)|\(note)|\(returnedAt)"
    }

    private static func keyContext(_ keyClass: NoteKeyClass, organization: String, note: String) -> String {
        "tillit-notes/data-key|\(keyClass.rawValue)|\(organization)|\(note)"
    }
}
