import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The practice setting that every staff account must use TOTP, and e-mails in Unicode NFC
/// (issue 9).
@Suite(.timeLimit(.minutes(5)))
struct StaffTotpAndEmailTests {
    /// Bootstraps a practice and signs its admin in (enrolling TOTP): the organisation id and
    /// the admin's call options.
    static func practice(_ harness: IdentityHarness) async throws -> (String, CallOptions) {
        let boot = try await harness.bootstrap()
        let organization = boot.organization.id.value
        let (admin, _) = try await harness.signIn(organization: organization, email: "admin@stigen.se")
        return (organization, IdentityHarness.auth(admin.tokens.accessToken))
    }

    static func createStaff(
        _ harness: IdentityHarness, _ email: String, roles: [Tillit_Identity_V1_Role] = [.scheduler],
        admin: CallOptions
    ) async throws -> String {
        var request = Tillit_Identity_V1_CreateStaffAccountRequest()
        request.email = email
        request.displayName = "Staff"
        request.roles = roles
        request.initialPassword = IdentityHarness.password
        return try await harness.identity.createStaffAccount(request, options: admin).account.id.value
    }

    static func setStaffTotp(_ harness: IdentityHarness, _ required: Bool, admin: CallOptions) async throws
        -> Tillit_Identity_V1_Organization
    {
        var update = Tillit_Identity_V1_UpdateOrganizationRequest()
        update.staffTotpRequired.value = required
        return try await harness.identity.updateOrganization(update, options: admin).organization
    }

    // MARK: - TOTP for all staff

    /// Before: a scheduler or practitioner signed in with a password alone and got a full token.
    @Test func aPracticeRequiresTotpOfEveryStaffAccountByDefault() async throws {
        try await withIdentity { harness in
            let (organization, admin) = try await Self.practice(harness)
            let current = try await harness.identity.getOrganization(
                Tillit_Identity_V1_GetOrganizationRequest(), options: admin)
            #expect(current.organization.staffTotpRequired)
            _ = try await Self.createStaff(harness, "scheduler@stigen.se", admin: admin)

            let login = try await harness.login(organization, "scheduler@stigen.se")
            #expect(login.totpEnrolmentRequired)
            let claims = try unverifiedClaims(login.tokens.accessToken)
            #expect(claims.scope == .totpEnrolment)
            #expect(claims.roles.isEmpty)
            // The enrolment token does nothing else, and refreshing keeps it scoped.
            await expectRPCError(.permissionDenied) {
                _ = try await harness.identity.listAccounts(
                    Tillit_Identity_V1_ListAccountsRequest(),
                    options: IdentityHarness.auth(login.tokens.accessToken))
            }
            let refreshed = try await harness.refresh(login.tokens.refreshToken)
            #expect(try unverifiedClaims(refreshed.accessToken).scope == .totpEnrolment)

            // Enrolled, the account gets a full session with its code.
            let (full, secret) = try await harness.signIn(
                organization: organization, email: "scheduler@stigen.se")
            #expect(secret != nil)
            #expect(!full.totpEnrolmentRequired)
            #expect(try unverifiedClaims(full.tokens.accessToken).roles == [.scheduler])
        }
    }

    @Test func anAdminMayTurnTheSettingOffAndItIsAudited() async throws {
        try await withIdentity { harness in
            let (organization, admin) = try await Self.practice(harness)
            _ = try await Self.createStaff(harness, "scheduler@stigen.se", admin: admin)
            _ = try await Self.createStaff(
                harness, "supervisor@stigen.se", roles: [.supervisor], admin: admin)
            let updated = try await Self.setStaffTotp(harness, false, admin: admin)
            #expect(!updated.staffTotpRequired)

            let scheduler = try await harness.login(organization, "scheduler@stigen.se")
            #expect(!scheduler.totpEnrolmentRequired)
            #expect(try unverifiedClaims(scheduler.tokens.accessToken).roles == [.scheduler])
            // Admins and supervisors must have TOTP whatever the setting.
            let supervisor = try await harness.login(organization, "supervisor@stigen.se")
            #expect(supervisor.totpEnrolmentRequired)

            // Only an admin changes it.
            await expectRPCError(.permissionDenied) {
                var update = Tillit_Identity_V1_UpdateOrganizationRequest()
                update.staffTotpRequired.value = true
                _ = try await harness.identity.updateOrganization(
                    update, options: IdentityHarness.auth(scheduler.tokens.accessToken))
            }
            let events = try await harness.auditEvents("organization.update", admin: admin)
            #expect(events.contains { $0.detail == "staff_totp_required: false" })

            // Turned on again, the next session of the scheduler is an enrolment one.
            _ = try await Self.setStaffTotp(harness, true, admin: admin)
            #expect(try await harness.login(organization, "scheduler@stigen.se").totpEnrolmentRequired)
        }
    }

    // MARK: - NFC e-mails

    /// Before: "josé" typed with a combining accent was another account than "josé" typed with
    /// the precomposed letter, so one person could hold two accounts and fail to sign in.
    @Test func composedAndDecomposedEmailsAreOneAccount() async throws {
        try await withIdentity { harness in
            let (organization, admin) = try await Self.practice(harness)
            _ = try await Self.setStaffTotp(harness, false, admin: admin)
            let decomposed = "jose\u{301}@stigen.se"
            let composed = "jos\u{E9}@stigen.se"
            #expect(decomposed.unicodeScalars.count != composed.unicodeScalars.count)
            let id = try await Self.createStaff(harness, decomposed, admin: admin)

            let login = try await harness.login(organization, composed)
            #expect(login.account.id.value == id)
            // Scalar by scalar: Swift's `==` on strings would call both forms equal.
            #expect(
                Array(login.account.email.unicodeScalars) == Array(composed.unicodeScalars), "stored in NFC")
            let again = try await harness.login(organization, decomposed)
            #expect(again.account.id.value == id)

            do {
                _ = try await Self.createStaff(harness, composed, admin: admin)
                Issue.record("a second account with the same e-mail in another normal form was created")
            } catch let error as RPCError {
                #expect([StatusCode.alreadyExists, .failedPrecondition].contains(error.code), "\(error)")
            }
        }
    }
}
