import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Refresh-token rotation, reuse detection, logout, revocation and expiry.
@Suite(.timeLimit(.minutes(5)))
struct RefreshTokenTests {
    static let practitioner = "practitioner@stigen.se"

    @Test func refreshRotatesTheToken() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let first = try await harness.login(practice.organization, Self.practitioner).tokens
            // Opaque, at least 128 random bits.
            #expect(first.refreshToken.utf8.count >= 22)
            let second = try await harness.refresh(first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.accessToken != first.accessToken)
            // The session is not extended by rotating.
            #expect(second.refreshTokenExpiresAt == first.refreshTokenExpiresAt)
            #expect(try unverifiedClaims(second.accessToken).subject == practice.id(.practitioner))
            // Both access tokens name the same session; another login is another session.
            let session = try unverifiedClaims(first.accessToken).sessionID
            #expect(session != nil)
            #expect(try unverifiedClaims(second.accessToken).sessionID == session)
            let another = try await harness.login(practice.organization, Self.practitioner).tokens
            #expect(try unverifiedClaims(another.accessToken).sessionID != session)
            _ = try await harness.me(second.accessToken, id: practice.id(.practitioner))
            let third = try await harness.refresh(second.refreshToken)
            _ = try await harness.me(third.accessToken, id: practice.id(.practitioner))
            // A rotated token is spent.
            await expectRPCError(.unauthenticated) { try await harness.refresh(first.refreshToken) }
            // Garbage is simply invalid.
            for token in [
                "", "not-a-token", String(repeating: "a", count: 43), String(repeating: "b", count: 5000),
            ] {
                await expectRPCError(.unauthenticated, "\(token.prefix(20))") {
                    try await harness.refresh(token)
                }
            }
            // A service's session rotates the same way.
            var service = Tillit_Identity_V1_LoginServiceRequest()
            service.organizationID.value = practice.organization
            service.accountID.value = practice.id(.service)
            service.secret = practice.serviceSecret
            let serviceTokens = try await harness.identity.loginService(service).tokens
            let rotated = try await harness.refresh(serviceTokens.refreshToken)
            #expect(try unverifiedClaims(rotated.accessToken).kind == .service)
        }
    }

    @Test func reusingARotatedTokenRevokesTheWholeFamily() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let other = try await harness.login(organization, Self.practitioner).tokens
            let first = try await harness.login(organization, Self.practitioner).tokens
            let second = try await harness.refresh(first.refreshToken)
            let third = try await harness.refresh(second.refreshToken)

            // Someone presents the stolen, already rotated first token.
            await expectRPCError(.unauthenticated, "reuse") { try await harness.refresh(first.refreshToken) }
            // The latest token of the family is revoked with it.
            await expectRPCError(.unauthenticated, "the successor") {
                try await harness.refresh(third.refreshToken)
            }
            await expectRPCError(.unauthenticated) { try await harness.refresh(second.refreshToken) }
            // Another session of the same account is not affected.
            _ = try await harness.refresh(other.refreshToken)

            let events = try await harness.auditEvents(
                "session.reuse_detected", admin: practice.options(.admin))
            #expect(events.count == 1)
            #expect(events.first?.subject.value == practice.id(.practitioner))
            #expect(events.first?.outcome == .denied)
            #expect(
                try await harness.identity.verifyAuditChain(.init(), options: practice.options(.admin)).intact
            )
        }
    }

    @Test func concurrentRefreshesOfOneTokenSucceedOnce() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let tokens = try await harness.login(practice.organization, Self.practitioner).tokens
            let outcomes = await withTaskGroup(of: (String?, StatusCode?).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            return (try await harness.refresh(tokens.refreshToken).refreshToken, nil)
                        } catch let error as RPCError {
                            return (nil, error.code)
                        } catch {
                            return (nil, .unknown)
                        }
                    }
                }
                var outcomes: [(String?, StatusCode?)] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            let successes = outcomes.compactMap(\.0)
            #expect(successes.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0.1 == .unauthenticated }.count == 7, "\(outcomes)")
            // The others were reuses: the family is revoked, the winner's new token too.
            if let winner = successes.first {
                await expectRPCError(.unauthenticated) { try await harness.refresh(winner) }
            }
            let events = try await harness.auditEvents(
                "session.reuse_detected", admin: practice.options(.admin))
            #expect(!events.isEmpty)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let tokens = try await harness.login(organization, Self.practitioner).tokens
            let other = try await harness.login(organization, Self.practitioner).tokens
            var logout = Tillit_Identity_V1_LogoutRequest()
            logout.refreshToken = tokens.refreshToken
            _ = try await harness.identity.logout(logout)
            await expectRPCError(.unauthenticated) { try await harness.refresh(tokens.refreshToken) }
            // Logging out again, or with an unknown or empty token, also answers OK.
            _ = try await harness.identity.logout(logout)
            logout.refreshToken = "unknown"
            _ = try await harness.identity.logout(logout)
            logout.refreshToken = ""
            _ = try await harness.identity.logout(logout)
            // Only that session ended.
            let next = try await harness.refresh(other.refreshToken)
            // A rotated token of a session ends the session too (its family).
            logout.refreshToken = other.refreshToken
            _ = try await harness.identity.logout(logout)
            await expectRPCError(.unauthenticated) { try await harness.refresh(next.refreshToken) }

            let events = try await harness.auditEvents("logout", admin: practice.options(.admin))
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.actor.value == practice.id(.practitioner) })
        }
    }

    @Test func revokeSessionsEndsEverySessionOfTheAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let practitionerID = practice.id(.practitioner)
            let one = try await harness.login(organization, Self.practitioner).tokens
            let two = try await harness.login(organization, Self.practitioner).tokens
            let rotated = try await harness.refresh(two.refreshToken)

            var revoke = Tillit_Identity_V1_RevokeSessionsRequest()
            revoke.accountID.value = practitionerID
            for role in [Practice.Role.scheduler, .supervisor, .client, .service] {
                await expectRPCError(.permissionDenied, role.rawValue) {
                    try await harness.identity.revokeSessions(revoke, options: practice.options(role))
                }
            }
            await expectRPCError(.notFound, "another organisation's admin") {
                try await harness.identity.revokeSessions(revoke, options: practice.options(.otherAdmin))
            }
            await expectRPCError(.unauthenticated, "no token") {
                try await harness.identity.revokeSessions(revoke)
            }

            // The account itself: Practice.make's session, one and two (rotated once).
            let own = try await harness.identity.revokeSessions(
                revoke, options: IdentityHarness.auth(one.accessToken))
            #expect(own.revokedSessions == 3)
            await expectRPCError(.unauthenticated) { try await harness.refresh(one.refreshToken) }
            await expectRPCError(.unauthenticated) { try await harness.refresh(rotated.refreshToken) }
            // Access tokens already issued stop working too (issue 9: ending a session ends them).
            await expectRPCError(.unauthenticated) {
                try await harness.me(one.accessToken, id: practitionerID)
            }
            await expectRPCError(.unauthenticated) {
                try await harness.me(rotated.accessToken, id: practitionerID)
            }

            // An admin ends someone else's sessions.
            let three = try await harness.login(organization, Self.practitioner).tokens
            let byAdmin = try await harness.identity.revokeSessions(revoke, options: practice.options(.admin))
            #expect(byAdmin.revokedSessions == 1)
            await expectRPCError(.unauthenticated) { try await harness.refresh(three.refreshToken) }
            // Nothing left to end.
            #expect(
                try await harness.identity.revokeSessions(revoke, options: practice.options(.admin))
                    .revokedSessions == 0)

            let events = try await harness.auditEvents("sessions.revoke", admin: practice.options(.admin))
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0.subject.value == practitionerID })
        }
    }

    @Test func refreshFailsOnceTheAccountIsDeactivated() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let tokens = try await harness.login(organization, "client@example.com").tokens
            var deactivate = Tillit_Identity_V1_DeactivateAccountRequest()
            deactivate.accountID.value = practice.id(.client)
            deactivate.reason = "moved away"
            _ = try await harness.identity.deactivateAccount(deactivate, options: practice.options(.admin))
            await expectRPCError(.unauthenticated) { try await harness.refresh(tokens.refreshToken) }
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, "client@example.com")
            }
            // Identity itself stops honouring the account's access token at once.
            await expectRPCError(.unauthenticated) {
                try await harness.me(tokens.accessToken, id: practice.id(.client))
            }
        }
    }

    @Test func refreshTokensExpire() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let first = try await harness.login(organization, Self.practitioner).tokens
            let unused = try await harness.login(organization, Self.practitioner).tokens
            let lifetime: Double = 14 * 86_400
            let expires = Date(timeIntervalSince1970: Double(first.refreshTokenExpiresAt.seconds))
            #expect(abs(expires.timeIntervalSince(harness.clock.now()) - lifetime) < 2)

            harness.clock.advance(seconds: 13 * 86_400)
            let renewed = try await harness.refresh(first.refreshToken)
            // Rotation keeps the family's expiry: a session cannot be extended forever.
            #expect(renewed.refreshTokenExpiresAt == first.refreshTokenExpiresAt)
            _ = try await harness.me(renewed.accessToken, id: practice.id(.practitioner))

            harness.advanceClock(to: expires.addingTimeInterval(1))
            await expectRPCError(.unauthenticated, "the rotated successor") {
                try await harness.refresh(renewed.refreshToken)
            }
            await expectRPCError(.unauthenticated, "an unused token") {
                try await harness.refresh(unused.refreshToken)
            }
            // A new login starts a new session.
            let again = try await harness.login(organization, Self.practitioner).tokens
            _ = try await harness.refresh(again.refreshToken)
        }
    }

    @Test func theLifetimeIsConfigurable() async throws {
        try await withIdentity(configure: { $0.refreshTokenLifetime = .seconds(3600) }) { harness in
            let practice = try await Practice.make(harness)
            let tokens = try await harness.login(practice.organization, Self.practitioner).tokens
            harness.clock.advance(seconds: 3599)
            let renewed = try await harness.refresh(tokens.refreshToken)
            harness.clock.advance(seconds: 2)
            await expectRPCError(.unauthenticated) { try await harness.refresh(renewed.refreshToken) }
        }
    }

    /// A role change ends the account's sessions (issue 9: tokens carry the old roles, so they
    /// must stop working): the old refresh token is refused, and the next login carries the
    /// current roles.
    @Test func aRoleChangeEndsTheSessionAndTheNextLoginCarriesTheCurrentRoles() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let practitionerID = practice.id(.practitioner)
            let admin = practice.options(.admin)
            let tokens = try await harness.login(practice.organization, Self.practitioner).tokens
            #expect(try unverifiedClaims(tokens.accessToken).roles == [.practitioner])
            #expect(try unverifiedClaims(tokens.accessToken).licence == .licensed)

            var setRoles = Tillit_Identity_V1_SetRolesRequest()
            setRoles.accountID.value = practitionerID
            setRoles.roles = [.practitioner, .scheduler]
            _ = try await harness.identity.setRoles(setRoles, options: admin)
            await expectRPCError(.unauthenticated, "the session ended with the role change") {
                try await harness.refresh(tokens.refreshToken)
            }
            await expectRPCError(.unauthenticated, "its access token too") {
                try await harness.me(tokens.accessToken, id: practitionerID)
            }
            let withScheduler = try await harness.login(practice.organization, Self.practitioner).tokens
            #expect(try unverifiedClaims(withScheduler.accessToken).roles == [.practitioner, .scheduler])
            var isActive = Tillit_Identity_V1_IsActiveRequest()
            isActive.accountID.value = practitionerID
            let active = try await harness.identity.isActive(
                isActive, options: IdentityHarness.auth(withScheduler.accessToken))
            #expect(Set(active.roles) == [.practitioner, .scheduler])
            // The same roles again change nothing and end nothing.
            _ = try await harness.identity.setRoles(setRoles, options: admin)
            let renewed = try await harness.refresh(withScheduler.refreshToken)
            #expect(try unverifiedClaims(renewed.accessToken).roles == [.practitioner, .scheduler])

            // A role that requires TOTP: the next login's token only allows enrolment.
            setRoles.roles = [.scheduler, .supervisor]
            _ = try await harness.identity.setRoles(setRoles, options: admin)
            let supervisor = try await harness.login(practice.organization, Self.practitioner).tokens
            let supervisorClaims = try unverifiedClaims(supervisor.accessToken)
            // A scoped token carries no roles (it does only what its scope names, everywhere).
            #expect(supervisorClaims.roles.isEmpty)
            #expect(supervisorClaims.scope == .totpEnrolment)
            await expectRPCError(.permissionDenied) {
                try await harness.me(supervisor.accessToken, id: practitionerID)
            }
        }
    }
}
