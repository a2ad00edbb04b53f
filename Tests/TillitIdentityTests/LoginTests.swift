import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitTesting

/// Password login, password changes and login throttling, against the real server.
@Suite(.timeLimit(.minutes(5)))
struct LoginTests {
    static let newPassword = "a brand new password 2026"

    // MARK: - Failures never reveal whether an account exists

    @Test func everyFailedLoginAnswersTheSameUnauthenticated() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let admin = practice.options(.admin)
            var create = Tillit_Identity_V1_CreateClientAccountRequest()
            create.email = "no.password@example.com"
            create.displayName = "No Password"
            _ = try await harness.identity.createClientAccount(create, options: admin)
            var deactivate = Tillit_Identity_V1_DeactivateAccountRequest()
            deactivate.accountID.value = practice.id(.scheduler)
            deactivate.reason = "left the practice"
            _ = try await harness.identity.deactivateAccount(deactivate, options: admin)

            let password = IdentityHarness.password
            let attempts: [(what: String, organization: String, email: String, password: String)] = [
                ("wrong password", organization, "practitioner@stigen.se", "not the right password"),
                ("unknown e-mail", organization, "nobody@stigen.se", password),
                ("unknown organisation", UUID().uuidString.lowercased(), "practitioner@stigen.se", password),
                (
                    "account of another organisation", practice.otherOrganization, "practitioner@stigen.se",
                    password
                ),
                ("deactivated account, right password", organization, "scheduler@stigen.se", password),
                ("client without a password", organization, "no.password@example.com", password),
                ("client without a password, empty password", organization, "no.password@example.com", ""),
                ("empty password", organization, "practitioner@stigen.se", ""),
                (
                    "oversized password", organization, "practitioner@stigen.se",
                    String(repeating: "x", count: 1025)
                ),
            ]
            var messages: Set<String> = []
            for attempt in attempts {
                let error = await expectRPCError(.unauthenticated, attempt.what) {
                    try await harness.login(attempt.organization, attempt.email, password: attempt.password)
                }
                if let error { messages.insert(error.message) }
            }
            #expect(messages.count == 1, "\(messages)")
            // A service account's wrong secret answers the same.
            var service = Tillit_Identity_V1_LoginServiceRequest()
            service.organizationID.value = organization
            service.accountID.value = practice.id(.service)
            service.secret = "not the secret"
            let serviceError = await expectRPCError(.unauthenticated) {
                try await harness.identity.loginService(service)
            }
            #expect(serviceError?.message == messages.first)
            service.accountID.value = UUID().uuidString.lowercased()
            service.secret = practice.serviceSecret
            let unknownService = await expectRPCError(.unauthenticated) {
                try await harness.identity.loginService(service)
            }
            #expect(unknownService?.message == messages.first)

            // Nothing of that locked anyone out: the right password still works.
            let login = try await harness.login(organization, "practitioner@stigen.se")
            #expect(login.account.id.value == practice.id(.practitioner))
            #expect(!login.totpEnrolmentRequired)
        }
    }

    @Test func malformedFieldsAreInvalidArguments() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let cases: [(what: String, organization: String, email: String)] = [
                ("empty organisation", "", "practitioner@stigen.se"),
                ("malformed organisation", "not-an-id", "practitioner@stigen.se"),
                ("oversized organisation", String(repeating: "a", count: 10_000), "practitioner@stigen.se"),
                ("empty e-mail", organization, ""),
                ("e-mail without a domain", organization, "practitioner"),
                ("oversized e-mail", organization, String(repeating: "a", count: 300) + "@stigen.se"),
                ("e-mail with a space", organization, "pract itioner@stigen.se"),
            ]
            for item in cases {
                await expectRPCError(.invalidArgument, item.what) {
                    try await harness.login(item.organization, item.email)
                }
            }
            // E-mails are case-insensitive and trimmed.
            let login = try await harness.login(organization, "  Practitioner@STIGEN.se ")
            #expect(login.account.id.value == practice.id(.practitioner))
        }
    }

    // MARK: - ChangePassword and SetPassword

    @Test func changePasswordReplacesThePasswordAndEndsTheOtherSessions() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let email = "practitioner@stigen.se"
            // Practice.make signed the practitioner in once; three more sessions.
            let current = try await harness.login(organization, email)
            let second = try await harness.login(organization, email)
            let third = try await harness.login(organization, email)
            let options = IdentityHarness.auth(current.tokens.accessToken)

            var change = Tillit_Identity_V1_ChangePasswordRequest()
            change.currentPassword = "not the current password"
            change.newPassword = Self.newPassword
            await expectRPCError(.permissionDenied, "wrong current password") {
                try await harness.identity.changePassword(change, options: options)
            }
            change.currentPassword = IdentityHarness.password
            change.newPassword = "too short"
            await expectRPCError(.invalidArgument, "new password too short") {
                try await harness.identity.changePassword(change, options: options)
            }
            change.newPassword = String(repeating: "p", count: 1025)
            await expectRPCError(.invalidArgument, "new password too long") {
                try await harness.identity.changePassword(change, options: options)
            }
            change.newPassword = Self.newPassword
            await expectRPCError(.permissionDenied, "a service has no password") {
                try await harness.identity.changePassword(change, options: practice.options(.service))
            }
            await expectRPCError(.unauthenticated, "no token") {
                try await harness.identity.changePassword(change)
            }
            // Nothing changed by the refused calls.
            _ = try await harness.login(organization, email)

            let changed = try await harness.identity.changePassword(change, options: options)
            // The other sessions: Practice.make's, second, third and the check just above.
            #expect(changed.revokedSessions == 4)
            await expectRPCError(.unauthenticated, "another session") {
                try await harness.refresh(second.tokens.refreshToken)
            }
            await expectRPCError(.unauthenticated, "another session") {
                try await harness.refresh(third.tokens.refreshToken)
            }
            // The session that changed the password goes on.
            let continued = try await harness.refresh(current.tokens.refreshToken)
            _ = try await harness.me(continued.accessToken, id: practice.id(.practitioner))

            await expectRPCError(.unauthenticated, "the old password") {
                try await harness.login(organization, email)
            }
            let fresh = try await harness.login(organization, email, password: Self.newPassword)
            #expect(fresh.account.id.value == practice.id(.practitioner))

            // The change is audited, and so is the attempt with a wrong current password.
            let events = try await harness.auditEvents("password.change", admin: practice.options(.admin))
            #expect(events.map(\.outcome) == [.success, .failure])
            #expect(events.allSatisfy { $0.subject.value == practice.id(.practitioner) })
            #expect(events.allSatisfy { $0.actor.value == practice.id(.practitioner) })
        }
    }

    @Test func anAdminSetsAnotherAccountsPassword() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let admin = practice.options(.admin)
            let temporary = "temporary password 2026"

            // A client created without a password cannot sign in until an admin sets one.
            var create = Tillit_Identity_V1_CreateClientAccountRequest()
            create.email = "no.password@example.com"
            create.displayName = "No Password"
            let client = try await harness.identity.createClientAccount(create, options: admin).account.id
                .value
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, "no.password@example.com", password: temporary)
            }

            var set = Tillit_Identity_V1_SetPasswordRequest()
            set.accountID.value = client
            set.newPassword = temporary
            for role in [Practice.Role.scheduler, .practitioner, .client, .service] {
                await expectRPCError(.permissionDenied, role.rawValue) {
                    try await harness.identity.setPassword(set, options: practice.options(role))
                }
            }
            await expectRPCError(.notFound, "another organisation's admin") {
                try await harness.identity.setPassword(set, options: practice.options(.otherAdmin))
            }
            set.newPassword = "short"
            await expectRPCError(.invalidArgument) {
                try await harness.identity.setPassword(set, options: admin)
            }
            set.newPassword = temporary
            set.accountID.value = practice.foreignClient
            await expectRPCError(.notFound, "a client of another organisation") {
                try await harness.identity.setPassword(set, options: admin)
            }
            set.accountID.value = practice.id(.service)
            await expectRPCError(.failedPrecondition, "a service account") {
                try await harness.identity.setPassword(set, options: admin)
            }

            set.accountID.value = client
            #expect(try await harness.identity.setPassword(set, options: admin).revokedSessions == 0)
            let clientLogin = try await harness.login(
                organization, "no.password@example.com", password: temporary)
            #expect(clientLogin.account.id.value == client)

            // Every session of the account ends, and only the new password works.
            let session = try await harness.login(organization, "practitioner@stigen.se")
            set.accountID.value = practice.id(.practitioner)
            #expect(try await harness.identity.setPassword(set, options: admin).revokedSessions == 2)
            await expectRPCError(.unauthenticated) { try await harness.refresh(session.tokens.refreshToken) }
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, "practitioner@stigen.se")
            }
            _ = try await harness.login(organization, "practitioner@stigen.se", password: temporary)

            let events = try await harness.auditEvents("password.set", admin: admin)
            #expect(Set(events.map(\.subject.value)) == [client, practice.id(.practitioner)])
            #expect(events.allSatisfy { $0.actor.value == practice.id(.admin) })
        }
    }

    // MARK: - Throttling

    @Test func fiveFailuresLockTheAccountAndEachLockLastsLonger() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let email = "scheduler@stigen.se"
            func fail(_ count: Int) async {
                for attempt in 1...count {
                    await expectRPCError(.unauthenticated, "failure \(attempt)") {
                        try await harness.login(organization, email, password: "wrong password \(attempt)")
                    }
                }
            }

            // Four failures, then a success: the count starts again.
            await fail(4)
            _ = try await harness.login(organization, email)
            await fail(4)
            _ = try await harness.login(organization, email)

            // Five failures lock the account, also against the right password.
            await fail(5)
            let locked = await expectRPCError(.resourceExhausted, "locked") {
                try await harness.login(organization, email)
            }
            #expect(locked?.message.contains("try again later") == true)
            // Only this account: a colleague still signs in from the same address.
            _ = try await harness.login(organization, "practitioner@stigen.se")
            harness.clock.advance(seconds: 59)
            await expectRPCError(.resourceExhausted, "still locked") {
                try await harness.login(organization, email)
            }
            harness.clock.advance(seconds: 2)
            _ = try await harness.login(organization, email)

            // The second lock lasts twice as long.
            await fail(5)
            harness.clock.advance(seconds: 61)
            await expectRPCError(.resourceExhausted, "the second lock lasts 2 minutes") {
                try await harness.login(organization, email)
            }
            harness.clock.advance(seconds: 60)
            _ = try await harness.login(organization, email)

            // And the third four minutes.
            await fail(5)
            harness.clock.advance(seconds: 239)
            await expectRPCError(.resourceExhausted, "the third lock lasts 4 minutes") {
                try await harness.login(organization, email)
            }
            harness.clock.advance(seconds: 2)
            _ = try await harness.login(organization, email)
        }
    }

    @Test func anUnknownEmailIsLockedLikeAKnownOne() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            var failures: Set<String> = []
            var locks: Set<String> = []
            for email in ["practitioner@stigen.se", "nobody@stigen.se"] {
                for attempt in 1...5 {
                    let error = await expectRPCError(.unauthenticated, "\(email) failure \(attempt)") {
                        try await harness.login(organization, email, password: "wrong password \(attempt)")
                    }
                    if let error { failures.insert(error.message) }
                }
                let lock = await expectRPCError(.resourceExhausted, "\(email) locked") {
                    try await harness.login(organization, email)
                }
                if let lock { locks.insert(lock.message) }
            }
            #expect(failures.count == 1)
            #expect(locks.count == 1)
            // Locks are per e-mail, whatever its case.
            await expectRPCError(.resourceExhausted) {
                try await harness.login(organization, "NOBODY@stigen.se")
            }
            harness.clock.advance(seconds: 61)
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, "nobody@stigen.se")
            }
            _ = try await harness.login(organization, "practitioner@stigen.se")
        }
    }

    @Test func manyFailuresFromOneAddressLockTheAddress() async throws {
        try await withIdentity(configure: { $0.throttle.addressFailures = 6 }) { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            // Six different e-mails, one failure each: no account reaches its limit, the address does.
            for index in 1...6 {
                await expectRPCError(.unauthenticated, "failure \(index)") {
                    try await harness.login(
                        organization, "guess\(index)@stigen.se", password: "wrong password")
                }
            }
            await expectRPCError(.resourceExhausted, "the address is locked, also for the right password") {
                try await harness.login(organization, "practitioner@stigen.se")
            }
            await expectRPCError(.resourceExhausted, "and for another organisation") {
                try await harness.login(practice.otherOrganization, "admin@annan.se")
            }
            harness.clock.advance(seconds: 61)
            let login = try await harness.login(organization, "practitioner@stigen.se")
            #expect(login.account.id.value == practice.id(.practitioner))
        }
    }
}
