import Foundation
import GRDB
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// TOTP enrolment, login with codes, replay protection, reset, and encryption at rest.
@Suite(.timeLimit(.minutes(5)))
struct TotpTests {
    // MARK: - Enrolment

    @Test func anAdminsFirstLoginOnlyAllowsEnrolment() async throws {
        try await withIdentity { harness in
            let boot = try await harness.bootstrap()
            let organization = boot.organization.id.value
            let adminID = boot.admin.id.value
            let email = "admin@stigen.se"
            let first = try await harness.login(organization, email)
            #expect(first.totpEnrolmentRequired)
            #expect(!first.account.totpEnabled)
            let scoped = first.tokens.accessToken
            #expect(try unverifiedClaims(scoped).scope == .totpEnrolment)
            // It carries no roles: nothing that reads roles alone can take it for an admin.
            #expect(try unverifiedClaims(scoped).roles.isEmpty)
            let options = IdentityHarness.auth(scoped)

            // Only EnrolTotp and ConfirmTotp work with it.
            await expectRPCError(.permissionDenied, "GetOrganization") {
                try await harness.identity.getOrganization(.init(), options: options)
            }
            await expectRPCError(.permissionDenied, "GetAccount") {
                try await harness.me(scoped, id: adminID)
            }
            await expectRPCError(.permissionDenied, "ListAccounts") {
                try await harness.identity.listAccounts(.init(), options: options)
            }
            await expectRPCError(.permissionDenied, "ListAuditEvents") {
                try await harness.identity.listAuditEvents(.init(), options: options)
            }
            var staff = Tillit_Identity_V1_CreateStaffAccountRequest()
            staff.email = "someone@stigen.se"
            staff.displayName = "Someone"
            staff.roles = [.scheduler]
            staff.initialPassword = IdentityHarness.password
            await expectRPCError(.permissionDenied, "CreateStaffAccount") {
                try await harness.identity.createStaffAccount(staff, options: options)
            }
            var change = Tillit_Identity_V1_ChangePasswordRequest()
            change.currentPassword = IdentityHarness.password
            change.newPassword = "another long password"
            await expectRPCError(.permissionDenied, "ChangePassword") {
                try await harness.identity.changePassword(change, options: options)
            }
            var revoke = Tillit_Identity_V1_RevokeSessionsRequest()
            revoke.accountID.value = adminID
            await expectRPCError(.permissionDenied, "RevokeSessions") {
                try await harness.identity.revokeSessions(revoke, options: options)
            }
            var confirm = Tillit_Identity_V1_ConfirmTotpRequest()
            confirm.code = "123456"
            await expectRPCError(.failedPrecondition, "ConfirmTotp before EnrolTotp") {
                try await harness.identity.confirmTotp(confirm, options: options)
            }
            // A refresh of this session is just as limited.
            let refreshed = try await harness.refresh(first.tokens.refreshToken)
            #expect(try unverifiedClaims(refreshed.accessToken).scope == .totpEnrolment)

            let enrolment = try await harness.identity.enrolTotp(.init(), options: options)
            #expect(Base32.decode(enrolment.secret)?.count == 20)
            #expect(enrolment.provisioningUri.hasPrefix("otpauth://totp/Tillit:"))
            #expect(enrolment.provisioningUri.contains("secret=\(enrolment.secret)"))
            for wrong in [harness.wrongCode(enrolment.secret), "12345", "1234567", "abcdef", ""] {
                confirm.code = wrong
                await expectRPCError(.invalidArgument, "confirm with '\(wrong)'") {
                    try await harness.identity.confirmTotp(confirm, options: options)
                }
            }
            confirm.code = harness.totpCode(enrolment.secret)
            let confirmed = try await harness.identity.confirmTotp(confirm, options: options)
            #expect(confirmed.hasConfirmedAt)
            // The scoped token stays scoped: a full session needs a login with a code.
            await expectRPCError(.permissionDenied) {
                try await harness.identity.getOrganization(.init(), options: options)
            }

            var failures: Set<String> = []
            for (what, code) in [
                ("no code", ""), ("wrong code", harness.wrongCode(enrolment.secret)),
                ("the code that confirmed", harness.totpCode(enrolment.secret)),
            ] {
                let error = await expectRPCError(.unauthenticated, what) {
                    try await harness.login(organization, email, totp: code)
                }
                if let error { failures.insert(error.message) }
            }
            let wrongPassword = await expectRPCError(.unauthenticated) {
                try await harness.login(
                    organization, email, password: "wrong password!", totp: harness.totpCode(enrolment.secret)
                )
            }
            #expect(failures == [wrongPassword?.message ?? "-"])

            let full = try await harness.login(organization, email, totpSecret: enrolment.secret)
            #expect(!full.totpEnrolmentRequired)
            #expect(full.account.totpEnabled)
            #expect(try unverifiedClaims(full.tokens.accessToken).scope == nil)
            let organizationRead = try await harness.identity.getOrganization(
                .init(), options: IdentityHarness.auth(full.tokens.accessToken))
            #expect(organizationRead.organization.id.value == organization)

            let admin = IdentityHarness.auth(full.tokens.accessToken)
            #expect(try await harness.auditEvents("totp.enrol", admin: admin).count == 1)
            #expect(try await harness.auditEvents("totp.confirm", admin: admin).count == 1)
        }
    }

    @Test func onlyAdminsAndSupervisorsMustEnrol() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let practitioner = try await harness.login(organization, "practitioner@stigen.se")
            #expect(!practitioner.totpEnrolmentRequired)
            #expect(try unverifiedClaims(practitioner.tokens.accessToken).scope == nil)
            let client = try await harness.login(organization, "client@example.com")
            #expect(!client.totpEnrolmentRequired)

            var staff = Tillit_Identity_V1_CreateStaffAccountRequest()
            staff.email = "supervisor2@stigen.se"
            staff.displayName = "Second Supervisor"
            staff.roles = [.supervisor]
            staff.initialPassword = IdentityHarness.password
            _ = try await harness.identity.createStaffAccount(staff, options: practice.options(.admin))
            let supervisor = try await harness.login(organization, "supervisor2@stigen.se")
            #expect(supervisor.totpEnrolmentRequired)
            #expect(try unverifiedClaims(supervisor.tokens.accessToken).scope == .totpEnrolment)

            // A client may enrol of their own accord; from then on login needs a code.
            let clientOptions = IdentityHarness.auth(client.tokens.accessToken)
            let enrolment = try await harness.identity.enrolTotp(.init(), options: clientOptions)
            var confirm = Tillit_Identity_V1_ConfirmTotpRequest()
            confirm.code = harness.totpCode(enrolment.secret)
            _ = try await harness.identity.confirmTotp(confirm, options: clientOptions)
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, "client@example.com")
            }
            let withCode = try await harness.login(
                organization, "client@example.com", totpSecret: enrolment.secret)
            #expect(withCode.account.totpEnabled)

            // A service account has no TOTP.
            await expectRPCError(.permissionDenied) {
                try await harness.identity.enrolTotp(.init(), options: practice.options(.service))
            }
        }
    }

    // MARK: - Codes at login

    @Test func codesOfTheNeighbouringStepsAreAcceptedButNoFurther() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let secret = try #require(practice.totpSecrets[.admin])
            let email = "admin@stigen.se"
            harness.clock.advance(seconds: 120)
            _ = try await harness.login(organization, email, totp: harness.totpCode(secret, offsetSteps: -1))
            _ = try await harness.login(organization, email, totp: harness.totpCode(secret, offsetSteps: 1))
            harness.clock.advance(seconds: 120)
            await expectRPCError(.unauthenticated, "two steps ahead") {
                try await harness.login(organization, email, totp: harness.totpCode(secret, offsetSteps: 2))
            }
            await expectRPCError(.unauthenticated, "two steps behind") {
                try await harness.login(organization, email, totp: harness.totpCode(secret, offsetSteps: -2))
            }
            let login = try await harness.login(organization, email, totp: harness.totpCode(secret))
            #expect(login.account.id.value == practice.id(.admin))
        }
    }

    @Test func aUsedCodeCannotBeReplayed() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let secret = try #require(practice.totpSecrets[.supervisor])
            let email = "supervisor@stigen.se"
            harness.clock.advance(seconds: 60)
            let code = harness.totpCode(secret)
            _ = try await harness.login(organization, email, totp: code)
            await expectRPCError(.unauthenticated, "the same code again") {
                try await harness.login(organization, email, totp: code)
            }
            await expectRPCError(.unauthenticated, "an older code still inside the window") {
                try await harness.login(organization, email, totp: harness.totpCode(secret, offsetSteps: -1))
            }
            // The next step's code works, once.
            harness.clock.advance(seconds: 30)
            let next = harness.totpCode(secret)
            _ = try await harness.login(organization, email, totp: next)
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, email, totp: next)
            }
        }
    }

    @Test func concurrentLoginsWithTheSameCodeSucceedOnce() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let secret = try #require(practice.totpSecrets[.admin])
            for round in 1...4 {
                harness.clock.advance(seconds: 30)
                let code = harness.totpCode(secret)
                let outcomes = await withTaskGroup(of: StatusCode?.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            do {
                                _ = try await harness.login(organization, "admin@stigen.se", totp: code)
                                return nil
                            } catch let error as RPCError {
                                return error.code
                            } catch {
                                return .unknown
                            }
                        }
                    }
                    var outcomes: [StatusCode?] = []
                    for await outcome in group { outcomes.append(outcome) }
                    return outcomes
                }
                #expect(outcomes.filter { $0 == nil }.count == 1, "round \(round): \(outcomes)")
                #expect(outcomes.filter { $0 == .unauthenticated }.count == 1, "round \(round): \(outcomes)")
            }
        }
    }

    // MARK: - Reset

    @Test func anAdminResetsTotpAndTheAccountMustEnrolAgain() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let email = "supervisor@stigen.se"
            let oldSecret = try #require(practice.totpSecrets[.supervisor])
            let session = try await harness.login(organization, email, totpSecret: oldSecret)

            var reset = Tillit_Identity_V1_ResetTotpRequest()
            reset.accountID.value = practice.id(.supervisor)
            for role in [Practice.Role.supervisor, .practitioner, .scheduler, .client, .service] {
                await expectRPCError(.permissionDenied, role.rawValue) {
                    try await harness.identity.resetTotp(reset, options: practice.options(role))
                }
            }
            await expectRPCError(.notFound, "another organisation's admin") {
                try await harness.identity.resetTotp(reset, options: practice.options(.otherAdmin))
            }
            let account = try await harness.identity.resetTotp(reset, options: practice.options(.admin))
                .account
            #expect(!account.totpEnabled)
            #expect(account.id.value == practice.id(.supervisor))
            // Its sessions end; the next login must enrol again.
            await expectRPCError(.unauthenticated) { try await harness.refresh(session.tokens.refreshToken) }
            harness.clock.advance(seconds: 30)
            let login = try await harness.login(organization, email, totp: harness.totpCode(oldSecret))
            #expect(login.totpEnrolmentRequired)
            #expect(try unverifiedClaims(login.tokens.accessToken).scope == .totpEnrolment)
            let (again, newSecret) = try await harness.signIn(organization: organization, email: email)
            #expect(!again.totpEnrolmentRequired)
            #expect(newSecret != nil && newSecret != oldSecret)
            // The old secret's codes no longer work.
            harness.clock.advance(seconds: 30)
            await expectRPCError(.unauthenticated) {
                try await harness.login(organization, email, totp: harness.totpCode(oldSecret))
            }

            let events = try await harness.auditEvents("totp.reset", admin: practice.options(.admin))
            #expect(events.map(\.subject.value) == [practice.id(.supervisor)])
        }
    }

    // MARK: - Storage

    @Test func theSecretIsStoredEncrypted() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-identity-totp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secrets = try await withIdentity(dataDirectory: directory) { harness in
            let practice = try await Practice.make(harness)
            // And one pending enrolment.
            let pending = try await harness.identity.enrolTotp(
                .init(), options: practice.options(.practitioner))
            return [
                practice.totpSecrets[.admin] ?? "", practice.totpSecrets[.supervisor] ?? "", pending.secret,
            ]
        }
        let raw = try secrets.map { Data(try #require(Base32.decode($0))) }
        #expect(raw.allSatisfy { $0.count == 20 })

        let queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent("identity.db"))
        let rows = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT secret_ciphertext, key_version FROM totp_secrets").map {
                (ciphertext: $0["secret_ciphertext"] as Data, keyVersion: $0["key_version"] as Int)
            }
        }
        // Admin, supervisor, the other organisation's admin, and the pending one.
        #expect(rows.count == 4)
        for row in rows {
            #expect(row.ciphertext.count > 20)
            #expect(row.keyVersion >= 1)
            for (secret, bytes) in zip(secrets, raw) {
                #expect(row.ciphertext.range(of: bytes) == nil)
                #expect(row.ciphertext.range(of: Data(secret.utf8)) == nil)
            }
        }
        try queue.close()

        // Nowhere in the database files either.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasPrefix("identity.db")
        }
        #expect(!files.isEmpty)
        for file in files {
            let contents = try Data(
                contentsOf: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(file)))
            for (secret, bytes) in zip(secrets, raw) {
                #expect(contents.range(of: bytes) == nil, "\(file)")
                #expect(contents.range(of: Data(secret.utf8)) == nil, "\(file)")
            }
        }
    }
}

extension IdentityHarness {
    /// Six digits that are not the code of the current step or either neighbour.
    func wrongCode(_ secret: String) -> String {
        let valid = Set((-1...1).map { totpCode(secret, offsetSteps: Int64($0)) })
        var candidate = 0
        while valid.contains(String(format: "%06d", candidate)) { candidate += 1 }
        return String(format: "%06d", candidate)
    }
}
