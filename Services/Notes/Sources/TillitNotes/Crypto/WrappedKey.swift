import Foundation

/// A note's data key as stored: sealed by a key-encryption key of a class and version.
public struct WrappedKey: Sendable, Equatable {
    /// `nonce ‖ ciphertext ‖ tag` (60 bytes).
    public var bytes: Data
    /// The class of key-encryption key.
    public var keyClass: NoteKeyClass
    /// Its version.
    public var version: Int
}
