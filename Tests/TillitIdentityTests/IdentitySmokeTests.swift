import Foundation
import Testing
import TillitTesting
import TillitContracts
import TillitIdentity
import TillitRPC

/// End to end through the real server: bootstrap, sign in every kind of account.
@Suite(.timeLimit(.minutes(5)))
struct IdentitySmokeTests {
    @Test func aPracticeCanBeSetUpAndEveryoneSignsIn() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            #expect(practice.tokens.count == 7)
            let me = try await harness.identity.getAccount(
                .with { $0.accountID.value = practice.id(.practitioner) },
                options: practice.options(.practitioner))
            #expect(me.account.email == "practitioner@stigen.se")
            let verify = try await harness.identity.verifyAuditChain(
                .init(), options: practice.options(.admin))
            #expect(verify.intact)
            #expect(verify.eventsChecked > 5)
        }
    }
}
