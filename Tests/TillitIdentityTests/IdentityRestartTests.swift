import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Everything Identity stores survives a restart on the same data directory.
@Suite(.timeLimit(.minutes(5)))
struct IdentityRestartTests {
    /// What the first run leaves for the second to check.
    struct FirstRun: Sendable {
        var practice: Practice
        /// The first run's clock when it stopped (the second run's clock starts behind it).
        var stoppedAt: Date
        var organizationName: String
        var locationIDs: [String]
        var keyIDs: [String]
        var auditEvents: UInt64
        var consentID: String
        /// The admin's latest session: its access token, refresh token and the code it used.
        var adminAccessToken: String
        var adminRefreshToken: String
        var adminCode: String
        var clientRefreshToken: String
        var newPasswordEmail: String
    }

    static let changedPassword = "changed before the restart"

    @Test func everythingSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-identity-restart-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let first = try await withIdentity(dataDirectory: directory) { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let admin = practice.options(.admin)

            // Roles, a password change, a consent, a locked account.
            var setRoles = Tillit_Identity_V1_SetRolesRequest()
            setRoles.accountID.value = practice.id(.practitioner)
            setRoles.roles = [.practitioner, .scheduler]
            _ = try await harness.identity.setRoles(setRoles, options: admin)
            var change = Tillit_Identity_V1_ChangePasswordRequest()
            change.currentPassword = IdentityHarness.password
            change.newPassword = Self.changedPassword
            _ = try await harness.identity.changePassword(change, options: practice.options(.scheduler))
            var consent = Tillit_Identity_V1_RecordConsentRequest()
            consent.clientID.value = practice.id(.client)
            consent.kind = .treatment
            consent.howGiven = "orally at intake"
            let consentID = try await harness.identity.recordConsent(consent, options: admin).consent.id
            for attempt in 1...5 {
                await expectRPCError(.unauthenticated) {
                    try await harness.login(
                        organization, "other.client@example.com", password: "wrong \(attempt)")
                }
            }

            let client = try await harness.login(organization, "client@example.com").tokens
            let secret = practice.totpSecrets[.admin] ?? ""
            harness.clock.advance(seconds: 30)
            let code = harness.totpCode(secret)
            let adminSession = try await harness.login(organization, "admin@stigen.se", totp: code).tokens

            let organizationRead = try await harness.identity.getOrganization(.init(), options: admin)
                .organization
            let keys = try await harness.identity.getSigningKeys(.init()).keys
            let chain = try await harness.identity.verifyAuditChain(.init(), options: admin)
            #expect(chain.intact)
            return FirstRun(
                practice: practice, stoppedAt: harness.clock.now(), organizationName: organizationRead.name,
                locationIDs: organizationRead.locations.map(\.id), keyIDs: keys.map(\.keyID),
                auditEvents: chain.eventsChecked, consentID: consentID,
                adminAccessToken: adminSession.accessToken,
                adminRefreshToken: adminSession.refreshToken, adminCode: code,
                clientRefreshToken: client.refreshToken,
                newPasswordEmail: "scheduler@stigen.se")
        }

        try await withIdentity(dataDirectory: directory) { harness in
            harness.advanceClock(to: first.stoppedAt)
            let practice = first.practice
            let organization = practice.organization

            // The same signing key: the access token issued before the restart still works.
            let keys = try await harness.identity.getSigningKeys(.init()).keys
            #expect(keys.map(\.keyID) == first.keyIDs)
            let admin = IdentityHarness.auth(first.adminAccessToken)
            let organizationRead = try await harness.identity.getOrganization(.init(), options: admin)
                .organization
            #expect(organizationRead.id.value == organization)
            #expect(organizationRead.name == first.organizationName)
            #expect(organizationRead.locations.map(\.id) == first.locationIDs)
            #expect(try TokenParts(first.adminAccessToken).keyID == first.keyIDs.first)

            // Accounts and roles.
            var list = Tillit_Identity_V1_ListAccountsRequest()
            list.page.pageSize = 100
            let accounts = try await harness.identity.listAccounts(list, options: admin).accounts
            let expected = Set(practice.ids.filter { $0.key != .otherAdmin }.values).union([
                practice.otherClient
            ])
            #expect(Set(accounts.map(\.id.value)) == expected)
            var isActive = Tillit_Identity_V1_IsActiveRequest()
            isActive.accountID.value = practice.id(.practitioner)
            #expect(
                Set(try await harness.identity.isActive(isActive, options: admin).roles) == [
                    .practitioner, .scheduler,
                ])
            let adminAccount = try await harness.me(first.adminAccessToken, id: practice.id(.admin))
            #expect(adminAccount.totpEnabled)

            // Passwords: the changed one and the others.
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, first.newPasswordEmail)
            }
            _ = try await harness.login(organization, first.newPasswordEmail, password: Self.changedPassword)
            let practitioner = try await harness.login(organization, "practitioner@stigen.se")
            #expect(
                try unverifiedClaims(practitioner.tokens.accessToken).roles == [.practitioner, .scheduler])
            // The lock, too.
            await expectRPCError(.resourceExhausted) {
                try await harness.login(organization, "other.client@example.com")
            }

            // TOTP: still required, the used code still used, the secret still opens.
            await expectRPCError(.unauthenticated, "no code") {
                try await harness.login(organization, "admin@stigen.se")
            }
            await expectRPCError(.unauthenticated, "the code used before the restart") {
                try await harness.login(organization, "admin@stigen.se", totp: first.adminCode)
            }
            let adminLogin = try await harness.login(
                organization, "admin@stigen.se", totpSecret: practice.totpSecrets[.admin] ?? "")
            #expect(!adminLogin.totpEnrolmentRequired)
            let supervisorLogin = try await harness.login(
                organization, "supervisor@stigen.se", totpSecret: practice.totpSecrets[.supervisor] ?? "")
            #expect(supervisorLogin.account.totpEnabled)

            // Refresh tokens: they rotate, and a rotated one is still recognised as reuse.
            let client = try await harness.refresh(first.clientRefreshToken)
            _ = try await harness.me(client.accessToken, id: practice.id(.client))
            let adminRefreshed = try await harness.refresh(first.adminRefreshToken)
            #expect(try unverifiedClaims(adminRefreshed.accessToken).scope == nil)
            await expectRPCError(.unauthenticated) { try await harness.refresh(first.clientRefreshToken) }
            await expectRPCError(.unauthenticated) { try await harness.refresh(client.refreshToken) }
            let fullAdmin = IdentityHarness.auth(adminRefreshed.accessToken)
            #expect(try await harness.auditEvents("session.reuse_detected", admin: fullAdmin).count == 1)

            // Consents.
            var consents = Tillit_Identity_V1_ListConsentsRequest()
            consents.clientID.value = practice.id(.client)
            let listed = try await harness.identity.listConsents(consents, options: fullAdmin).consents
            #expect(listed.map(\.id) == [first.consentID])
            var check = Tillit_Identity_V1_CheckConsentRequest()
            check.clientID.value = practice.id(.client)
            check.kind = .treatment
            let checked = try await harness.identity.checkConsent(check, options: fullAdmin)
            #expect(checked.granted)
            #expect(checked.consentID == first.consentID)

            // The audit chain goes on where it stopped, intact.
            let chain = try await harness.identity.verifyAuditChain(.init(), options: fullAdmin)
            #expect(chain.intact)
            #expect(chain.eventsChecked > first.auditEvents)
            #expect(chain.firstBrokenSequence == 0)
            var oldest = Tillit_Identity_V1_ListAuditEventsRequest()
            oldest.page.pageSize = 500
            let events = try await harness.identity.listAuditEvents(oldest, options: fullAdmin).events
            #expect(events.last?.action == "organization.bootstrap")
            #expect(events.last?.sequence == 1)
            #expect(UInt64(events.count) == chain.eventsChecked)

            // The other organisation is there too.
            let other = try await harness.identity.getOrganization(
                .init(), options: practice.options(.otherAdmin))
            #expect(other.organization.id.value == practice.otherOrganization)
        }
    }

    @Test func aRestartWithoutChangesKeepsTheKeyAndTheTokens() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-identity-restart-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (token, keys, stoppedAt) = try await withIdentity(dataDirectory: directory) { harness in
            let practice = try await Practice.make(harness)
            let keys = try await harness.identity.getSigningKeys(.init()).keys
            return (practice.tokens[.practitioner] ?? "", keys, harness.clock.now())
        }
        for _ in 0..<2 {
            try await withIdentity(dataDirectory: directory) { harness in
                harness.advanceClock(to: stoppedAt)
                let now = try await harness.identity.getSigningKeys(.init()).keys
                #expect(now == keys)
                let claims = try unverifiedClaims(token)
                _ = try await harness.me(token, id: claims.subject)
            }
        }
    }
}
