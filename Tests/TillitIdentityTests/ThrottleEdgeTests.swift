import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitTesting

/// Throttling where no login is involved or no organisation exists.
@Suite(.timeLimit(.minutes(5)))
struct ThrottleEdgeTests {
    @Test func anUnknownOrganisationIsLockedLikeAKnownOne() async throws {
        try await withIdentity { harness in
            let unknown = UUID().uuidString.lowercased()
            for attempt in 1...5 {
                await expectRPCError(.unauthenticated, "attempt \(attempt)") {
                    try await harness.login(unknown, "someone@example.com", password: "wrong password 123")
                }
            }
            // The sixth answer is the lock, exactly as for an existing organisation's account.
            let locked = await expectRPCError(.resourceExhausted) {
                try await harness.login(unknown, "someone@example.com", password: "wrong password 123")
            }
            #expect(locked?.message == "too many failed sign-in attempts; try again later")
        }
    }

    @Test func guessingTheCurrentPasswordWithAStolenTokenLocksTheAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            var change = Tillit_Identity_V1_ChangePasswordRequest()
            change.currentPassword = "a wrong guess 0000"
            change.newPassword = "the attacker's password"
            for attempt in 1...5 {
                await expectRPCError(.permissionDenied, "guess \(attempt)") {
                    try await harness.identity.changePassword(
                        change, options: practice.options(.practitioner))
                }
            }
            change.currentPassword = IdentityHarness.password
            await expectRPCError(.resourceExhausted, "locked, even with the right password") {
                try await harness.identity.changePassword(change, options: practice.options(.practitioner))
            }
            // The lock is the account's: signing in is refused too until it lifts.
            await expectRPCError(.resourceExhausted) {
                try await harness.login(practice.organization, "practitioner@stigen.se")
            }
            harness.clock.advance(seconds: 61)
            _ = try await harness.login(practice.organization, "practitioner@stigen.se")
        }
    }
}
