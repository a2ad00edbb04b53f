import Crypto
import Foundation
import TillitContracts
import TillitRPC

/// Where a verifier gets the public keys access tokens are signed with.
public protocol SigningKeySource: Sendable {
    /// Every key a currently valid token may be signed with.
    func fetchSigningKeys() async throws -> [VerificationKey]
}

/// Fetches Identity's GetSigningKeys over RPC (ignores keys whose algorithm is not ed25519 or
/// whose public key is not 32 bytes). A key without `not_after` never expires.
public struct IdentitySigningKeySource: SigningKeySource {
    private let client: Tillit_Identity_V1_Identity.Client
    private let callOptions: CallOptions

    /// A source calling `client` with `callOptions`.
    public init(client: Tillit_Identity_V1_Identity.Client, callOptions: CallOptions = CallOptions()) {
        self.client = client
        self.callOptions = callOptions
    }

    /// The usable keys of one GetSigningKeys call.
    public func fetchSigningKeys() async throws -> [VerificationKey] {
        let response = try await client.getSigningKeys(
            Tillit_Identity_V1_GetSigningKeysRequest(), options: callOptions)
        return Self.verificationKeys(from: response)
    }

    /// The Ed25519 keys of `response` with a 32-byte public key; the others are skipped.
    static func verificationKeys(from response: Tillit_Identity_V1_GetSigningKeysResponse)
        -> [VerificationKey]
    {
        response.keys.compactMap { key in
            guard key.algorithm == .ed25519, key.publicKey.count == 32,
                let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey)
            else { return nil }
            let notAfter =
                key.hasNotAfter
                ? Date(timeIntervalSince1970: Double(key.notAfter.seconds) + Double(key.notAfter.nanos) / 1e9)
                : Date.distantFuture
            return VerificationKey(keyID: key.keyID, publicKey: publicKey, notAfter: notAfter)
        }
    }
}

/// A fixed key set (Identity verifying its own tokens uses a closure-backed source; tests use this).
public struct StaticSigningKeySource: SigningKeySource {
    private let keys: [VerificationKey]

    /// A source that always answers `keys`.
    public init(_ keys: [VerificationKey]) {
        self.keys = keys
    }

    /// The fixed keys.
    public func fetchSigningKeys() async throws -> [VerificationKey] {
        keys
    }
}

/// A source that asks a closure (Identity verifying its own tokens reads its key store).
public struct ClosureSigningKeySource: SigningKeySource {
    private let fetch: @Sendable () async throws -> [VerificationKey]

    /// A source that calls `fetch` on every fetch.
    public init(_ fetch: @escaping @Sendable () async throws -> [VerificationKey]) {
        self.fetch = fetch
    }

    /// What the closure answers.
    public func fetchSigningKeys() async throws -> [VerificationKey] {
        try await fetch()
    }
}
