import Crypto
import Foundation
import Synchronization

@testable import TillitServiceKit

/// A key set that can change, counting fetches, with an optional delay or failure per fetch.
final class KeyServer: Sendable {
    private struct State {
        var keys: [VerificationKey] = []
        var fetches = 0
        var failure: (any Error)?
    }

    private let state = Mutex(State())
    private let delay: Duration?

    init(_ keys: [VerificationKey] = [], delay: Duration? = nil) {
        self.delay = delay
        state.withLock { $0.keys = keys }
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func publish(_ keys: [VerificationKey]) {
        state.withLock { $0.keys = keys }
    }

    func fail(with error: (any Error)?) {
        state.withLock { $0.failure = error }
    }

    var source: ClosureSigningKeySource {
        ClosureSigningKeySource { [self] in
            let (keys, failure) = state.withLock { state in
                state.fetches += 1
                return (state.keys, state.failure)
            }
            if let delay { try await Task.sleep(for: delay) }
            if let failure { throw failure }
            return keys
        }
    }
}

struct IdentityDown: Error {}

/// A fresh Ed25519 signer under `keyID`.
func makeSigner(_ keyID: String) -> AccessTokenSigner {
    AccessTokenSigner(keyID: keyID, privateKey: Curve25519.Signing.PrivateKey())
}

/// Staff claims issued at `issuedAt` for 15 minutes.
func makeClaims(
    issuedAt: Date, organization: String = "org-1", subject: String = "acct-1", lifetime: TimeInterval = 900
) -> AccessTokenClaims {
    AccessTokenClaims(
        subject: subject, organization: organization, kind: .staff, roles: [.supervisor, .practitioner],
        licence: .licensed, tokenID: "tok-\(subject)", issuedAt: issuedAt,
        expiresAt: issuedAt.addingTimeInterval(lifetime))
}

extension Data {
    /// Bytes from a hex string (test vectors).
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes)
    }
}
