import ArgumentParser
import Crypto
import Foundation
import TillitServiceKit

/// `tillit-bench tokens`: access-token verifications per second on one task.
struct TokenBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract:
            "Access-token verifications per second, sequential on one task: distinct and cached tokens.",
        discussion: """
            Signs --count distinct PASETO v4.public access tokens, then verifies each once with an \
            AccessTokenVerifier (cache cold: parse, Ed25519 check, claims decoding and checks), then \
            verifies one token --repeats times (cached). Example: \
            swift run -c release tillit-bench tokens
            """)

    @Option(help: "Distinct tokens to sign and verify once each.")
    var count = 20_000

    @Option(help: "Verifications of one cached token.")
    var repeats = 1_000_000

    func run() async throws {
        let signer = AccessTokenSigner(keyID: "bench-key-1", privateKey: Curve25519.Signing.PrivateKey())
        let key = signer.verificationKey(notAfter: Date().addingTimeInterval(86_400))
        let verifier = AccessTokenVerifier(source: StaticSigningKeySource([key]))
        let issuedAt = Date()
        let clock = ContinuousClock()

        var tokens: [String] = []
        tokens.reserveCapacity(count)
        let signing = try clock.measure {
            for index in 0..<count {
                let claims = AccessTokenClaims(
                    subject: "acct-\(index)", organization: "org-1", kind: .staff,
                    roles: [.practitioner, .supervisor], licence: .licensed, tokenID: UUID().uuidString,
                    issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(900))
                tokens.append(try signer.sign(claims))
            }
        }
        report("sign (distinct tokens)", count, signing)
        print("token length:                \(tokens[0].utf8.count) bytes")

        // The first verification fetches the keys; keep it out of the measurement.
        let warmUp = try signer.sign(
            AccessTokenClaims(
                subject: "warm-up", organization: "org-1", kind: .service, tokenID: "warm-up",
                issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(900)))
        _ = try await verifier.verify(warmUp)

        let raw = try clock.measure {
            for token in tokens.prefix(min(count, 5_000)) {
                _ = try PASETOV4Public.verify(token, key: key.publicKey)
            }
        }
        report("PASETO verify only", min(count, 5_000), raw)

        let cold = try await clock.measure {
            for token in tokens {
                _ = try await verifier.verify(token)
            }
        }
        report("verify, distinct (cold)", count, cold)

        let cached = try await clock.measure {
            for _ in 0..<repeats {
                _ = try await verifier.verify(warmUp)
            }
        }
        report("verify, same token (cached)", repeats, cached)
    }

    private func report(_ label: String, _ operations: Int, _ elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let padded = (label + ":").padding(toLength: 29, withPad: " ", startingAt: 0)
        print(
            padded
                + String(
                    format: "%.0f ops/s (%.2f µs/op, %d ops)", Double(operations) / seconds,
                    seconds / Double(operations) * 1e6, operations))
    }
}
