import Crypto
import Foundation

/// A caller's idempotency key and the digest of the request it came with: the same key with the
/// same request finds the first attempt's result; with another request it is ALREADY_EXISTS.
public struct IdempotencyKey: Sendable, Equatable {
    /// The caller's key (1–100 printable characters).
    public var key: String
    /// SHA-256 of the request's canonical bytes.
    public var requestHash: Data

    /// A key and the digest of `canonicalRequest`.
    public init(key: String, canonicalRequest: [UInt8]) {
        self.key = key
        self.requestHash = Data(SHA256.hash(data: canonicalRequest))
    }
}
