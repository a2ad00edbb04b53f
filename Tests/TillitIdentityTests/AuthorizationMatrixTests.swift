import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The cells of the authorisation matrix in docs/identity.md that the handlers decide, against a
/// real server, with the exact outcome: what admitted callers get, "self" cells, the footnotes,
/// the admin of another organisation naming an id of this one (NOT_FOUND) and its calls without
/// ids (acting on its own organisation), scoped and deactivated tokens. The cells the gate
/// decides — a caller the method's rule in `IdentityAccessPolicy` does not admit
/// (PERMISSION_DENIED) and anonymous callers of non-public methods (UNAUTHENTICATED) — are
/// `AccessPolicyMatrixTests`, for every method. Each test builds its own practice on its own
/// server; each cell is one expectation named "rpc × caller".
@Suite(.timeLimit(.minutes(5)))
struct AuthorizationMatrixTests {
    // MARK: Public methods (Bootstrap, Login, LoginService, Refresh, Logout, GetSigningKeys)

    @Test(arguments: Practice.Role.allCases)
    func publicMethodsTakeAnyCaller(_ role: Practice.Role) async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            await checkPublicMethods(harness, practice, practice.options(role), caller: role.rawValue)
        }
    }

    @Test func publicMethodsTakeTokensThatAreRefusedElsewhere() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let enrolment = try await enrolmentScopeToken(harness, practice)
            let deactivated = try await secondAdmin(harness, practice)
            _ = try await harness.identity.deactivateAccount(
                .with { $0.accountID = accountID(deactivated.id) }, options: practice.options(.admin))
            let callers: [(String, CallOptions)] = [
                ("totp_enrolment token", enrolment.options),
                ("deactivated account's token", deactivated.options),
                ("malformed token", IdentityHarness.auth("not-a-token")),
            ]
            for (caller, options) in callers {
                await checkPublicMethods(harness, practice, options, caller: caller)
            }
        }
    }

    /// Footnote 1: on an empty database Bootstrap needs no secret (and ignores any token).
    @Test(arguments: [false, true])
    func bootstrapOnAnEmptyDatabase(withToken: Bool) async throws {
        try await withIdentity { harness in
            let caller = withToken ? "malformed token" : "anonymous"
            let options = withToken ? IdentityHarness.auth("not-a-token") : CallOptions()
            await expectOutcome(.ok, cell("Bootstrap", caller, "empty database, no secret")) {
                try await harness.identity.bootstrap(bootstrapRequest(secret: nil), options: options)
            }
            await expectCode(.permissionDenied, cell("Bootstrap", caller, "again, no secret")) {
                try await harness.identity.bootstrap(bootstrapRequest(secret: nil), options: options)
            }
        }
    }

    /// Footnote 1: without a configured secret, Bootstrap works only on an empty database.
    @Test func bootstrapWithoutAConfiguredSecret() async throws {
        try await withIdentity(configure: { $0.bootstrapSecret = nil }) { harness in
            _ = try await harness.bootstrap()
            await expectCode(
                .permissionDenied, cell("Bootstrap", "anonymous", "no secret configured, one given")
            ) {
                try await harness.identity.bootstrap(
                    bootstrapRequest(secret: IdentityHarness.bootstrapSecret))
            }
        }
    }

    // MARK: Sessions and credentials

    @Test func revokeSessions() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            @discardableResult
            func revoke(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async
                -> UInt32?
            {
                await expectOutcome(expected, cell("RevokeSessions", role, detail)) {
                    try await harness.identity.revokeSessions(
                        .with { $0.accountID = accountID(target) }, options: practice.options(role))
                }?.revokedSessions
            }
            // Ending one's own sessions ends the calling token too (issue 9), so that comes last.
            await revoke(.failed(.permissionDenied), .service, practice.id(.service), "own sessions")
            await revoke(.failed(.permissionDenied), .service, practice.id(.client), "a client's sessions")
            await revoke(
                .failed(.notFound), .otherAdmin, practice.id(.client), "a client of this organisation")
            await revoke(.failed(.notFound), .otherAdmin, practice.id(.admin), "this organisation's admin")
            for role: Role in [.client, .scheduler, .practitioner, .supervisor] {
                let other = role == .client ? practice.otherClient : practice.id(.client)
                await revoke(.failed(.permissionDenied), role, other, "someone else's sessions")
                await revoke(.failed(.permissionDenied), role, practice.id(.admin), "the admin's sessions")
                let count = await revoke(.ok, role, practice.id(role), "own sessions")
                #expect((count ?? 0) >= 1, cell("RevokeSessions", role, "ends its own sign-in"))
                await revoke(.failed(.unauthenticated), role, practice.id(role), "with the token it ended")
            }
            await revoke(.ok, .admin, practice.id(.client), "a client's sessions")
            await revoke(.ok, .admin, practice.id(.practitioner), "a colleague's sessions")
            await revoke(.ok, .admin, practice.id(.admin), "own sessions")
        }
    }

    @Test func enrolTotp() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            // No id to name: each enrols its own account.
            for role: Role in [.client, .scheduler, .practitioner] {
                let enrolment = await expectOutcome(.ok, cell("EnrolTotp", role, "own account")) {
                    try await harness.identity.enrolTotp(.init(), options: practice.options(role))
                }
                let uri = enrolment?.provisioningUri.removingPercentEncoding ?? ""
                #expect(
                    uri.contains(":\(email(role))?"),
                    cell("EnrolTotp", role, "the secret is for its own account"))
            }
            // Accounts whose TOTP is already on cannot replace it with an access token alone (a
            // stolen one would do): an admin resets it first. This includes the other
            // organisation's admin, acting on its own account.
            for role: Role in [.admin, .supervisor, .otherAdmin] {
                await expectOutcome(.failed(.failedPrecondition), cell("EnrolTotp", role, "TOTP already on"))
                {
                    try await harness.identity.enrolTotp(.init(), options: practice.options(role))
                }
            }
            var reset = Tillit_Identity_V1_ResetTotpRequest()
            reset.accountID.value = practice.id(.supervisor)
            _ = try await harness.identity.resetTotp(reset, options: practice.options(.admin))
            // The reset ended the supervisor's sessions (issue 9): it signs in again and gets an
            // enrolment-scoped token.
            let again = try await harness.login(practice.organization, email(.supervisor))
            #expect(again.totpEnrolmentRequired)
            let enrolment = await expectOutcome(.ok, cell("EnrolTotp", .supervisor, "after an admin's reset"))
            {
                try await harness.identity.enrolTotp(
                    .init(), options: IdentityHarness.auth(again.tokens.accessToken))
            }
            #expect(enrolment?.secret.isEmpty == false)
        }
    }

    @Test func confirmTotp() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            // No id to name: each confirms its own enrolment (accounts with TOTP already on are
            // refused at EnrolTotp, see above).
            for role: Role in [.client, .scheduler, .practitioner] {
                let secret = try await identity.enrolTotp(.init(), options: practice.options(role)).secret
                await expectOutcome(.ok, cell("ConfirmTotp", role, "own enrolment")) {
                    try await identity.confirmTotp(
                        .with { $0.code = harness.totpCode(secret) }, options: practice.options(role))
                }
                await expectOutcome(
                    .ok, cell("ConfirmTotp", role, "its own sign-in now takes the new secret")
                ) {
                    try await harness.signIn(
                        organization: practice.organization, email: email(role), totpSecret: secret)
                }
            }
            // Without an enrolment in progress there is nothing to confirm.
            await expectOutcome(
                .failed(.failedPrecondition), cell("ConfirmTotp", .otherAdmin, "nothing pending")
            ) {
                try await identity.confirmTotp(
                    .with { $0.code = "123456" }, options: practice.options(.otherAdmin))
            }
        }
    }

    @Test func changePassword() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            let fresh = "a brand new passphrase 42"
            let changers: [Role] = [.otherAdmin, .client, .admin, .scheduler, .practitioner, .supervisor]
            for role in changers {
                await expectOutcome(.ok, cell("ChangePassword", role, "own password")) {
                    try await identity.changePassword(
                        .with {
                            $0.currentPassword = IdentityHarness.password
                            $0.newPassword = fresh
                        }, options: practice.options(role))
                }
            }
            // Whose password changed, from each organisation's audit trail.
            let changed: Tillit_Identity_V1_ListAuditEventsRequest = .with {
                $0.action = "password.change"
                $0.page.pageSize = 500
            }
            let here = try await identity.listAuditEvents(changed, options: practice.options(.admin))
            let there = try await identity.listAuditEvents(changed, options: practice.options(.otherAdmin))
            for role in changers where role != .otherAdmin {
                #expect(
                    here.events.map(\.subject.value).contains(practice.id(role)),
                    cell("ChangePassword", role, "changed its own password"))
            }
            #expect(
                there.events.map(\.subject.value) == [practice.id(.otherAdmin)],
                cell("ChangePassword", .otherAdmin, "changed its own password, nothing in this organisation"))
            #expect(
                !here.events.map(\.subject.value).contains(practice.id(.otherAdmin)),
                cell("ChangePassword", .otherAdmin, "not recorded in this organisation"))
            await expectOutcome(.ok, cell("ChangePassword", .client, "signs in with the new password")) {
                try await identity.login(loginRequest(practice.organization, email(.client), password: fresh))
            }
        }
    }

    @Test func setPassword() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let fresh = "a temporary passphrase 17"
            func set(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async {
                await expectOutcome(expected, cell("SetPassword", role, detail)) {
                    try await harness.identity.setPassword(
                        .with {
                            $0.accountID = accountID(target)
                            $0.newPassword = fresh
                        }, options: practice.options(role))
                }
            }
            for role: Role in [.client, .scheduler, .practitioner, .supervisor] {
                await set(.failed(.permissionDenied), role, practice.id(role), "own account")
            }
            await set(.failed(.notFound), .otherAdmin, practice.id(.client), "a client of this organisation")
            await set(.ok, .admin, practice.id(.client), "a client's password")
            await expectOutcome(.ok, cell("SetPassword", .admin, "the client signs in with it")) {
                try await harness.identity.login(
                    loginRequest(practice.organization, email(.client), password: fresh))
            }
        }
    }

    @Test func resetTotp() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            @discardableResult
            func reset(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async
                -> Tillit_Identity_V1_Account?
            {
                await expectOutcome(expected, cell("ResetTotp", role, detail)) {
                    try await harness.identity.resetTotp(
                        .with { $0.accountID = accountID(target) }, options: practice.options(role))
                }?.account
            }
            await reset(.failed(.permissionDenied), .supervisor, practice.id(.supervisor), "own TOTP")
            await reset(
                .failed(.notFound), .otherAdmin, practice.id(.supervisor), "a supervisor of this organisation"
            )
            let account = await reset(.ok, .admin, practice.id(.supervisor), "the supervisor's TOTP")
            #expect(account?.totpEnabled == false, cell("ResetTotp", .admin, "TOTP is off"))
        }
    }

    // MARK: Organisation, locations, contact policy

    @Test func getOrganization() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            for role: Role in [
                .client, .admin, .scheduler, .practitioner, .supervisor, .service, .otherAdmin,
            ] {
                let response = await expectOutcome(.ok, cell("GetOrganization", role)) {
                    try await harness.identity.getOrganization(.init(), options: practice.options(role))
                }
                let own = role == .otherAdmin ? practice.otherOrganization : practice.organization
                #expect(
                    response?.organization.id.value == own,
                    cell("GetOrganization", role, "the caller's own organisation"))
            }
        }
    }

    @Test func getContactPolicy() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let instructions = "Ring 112 vid fara för liv."
            _ = try await harness.identity.setContactPolicy(
                policyRequest(instructions), options: practice.options(.admin))
            for role: Role in [.client, .admin, .scheduler, .practitioner, .supervisor, .service] {
                let response = await expectOutcome(.ok, cell("GetContactPolicy", role)) {
                    try await harness.identity.getContactPolicy(.init(), options: practice.options(role))
                }
                #expect(
                    response?.policy.emergencyInstructions == instructions,
                    cell("GetContactPolicy", role, "this organisation's policy"))
            }
            let theirs = await expectOutcome(.ok, cell("GetContactPolicy", .otherAdmin, "own organisation")) {
                try await harness.identity.getContactPolicy(.init(), options: practice.options(.otherAdmin))
            }
            #expect(
                theirs?.policy.emergencyInstructions == "",
                cell("GetContactPolicy", .otherAdmin, "its own (unset) policy, not this organisation's"))
        }
    }

    @Test func updateOrganization() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func renaming(_ name: String) -> Tillit_Identity_V1_UpdateOrganizationRequest {
                .with { $0.name = text(name) }
            }
            let ours = await expectOutcome(.ok, cell("UpdateOrganization", .admin)) {
                try await harness.identity.updateOrganization(
                    renaming("Stigen Psykoterapi AB"), options: practice.options(.admin))
            }
            #expect(
                ours?.organization.name == "Stigen Psykoterapi AB",
                cell("UpdateOrganization", .admin, "renamed"))
            let theirs = await expectOutcome(.ok, cell("UpdateOrganization", .otherAdmin, "own organisation"))
            {
                try await harness.identity.updateOrganization(
                    renaming("Annan Praktik AB"), options: practice.options(.otherAdmin))
            }
            #expect(
                theirs?.organization.id.value == practice.otherOrganization,
                cell("UpdateOrganization", .otherAdmin, "changed its own organisation"))
            let now = try await harness.identity.getOrganization(.init(), options: practice.options(.admin))
            #expect(
                now.organization.name == "Stigen Psykoterapi AB",
                cell("UpdateOrganization", .otherAdmin, "this organisation's name stays"))
        }
    }

    @Test func addLocation() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let request: Tillit_Identity_V1_AddLocationRequest = .with {
                $0.location.name = "Filialen"
                $0.location.address = "Kungsgatan 2"
                $0.location.city = "Luleå"
            }
            let ours = await expectOutcome(.ok, cell("AddLocation", .admin)) {
                try await harness.identity.addLocation(request, options: practice.options(.admin))
            }
            let theirs = await expectOutcome(.ok, cell("AddLocation", .otherAdmin, "own organisation")) {
                try await harness.identity.addLocation(request, options: practice.options(.otherAdmin))
            }
            let here = try await harness.identity.getOrganization(.init(), options: practice.options(.admin))
            let there = try await harness.identity.getOrganization(
                .init(), options: practice.options(.otherAdmin))
            let hereIDs = here.organization.locations.map(\.id)
            let thereIDs = there.organization.locations.map(\.id)
            #expect(hereIDs.contains(ours?.location.id ?? "-"), cell("AddLocation", .admin, "added here"))
            #expect(
                thereIDs.contains(theirs?.location.id ?? "-")
                    && !hereIDs.contains(theirs?.location.id ?? "-"),
                cell("AddLocation", .otherAdmin, "added to its own organisation only"))
        }
    }

    @Test func updateLocation() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let location = try await firstLocation(harness, practice)
            let request: Tillit_Identity_V1_UpdateLocationRequest = .with {
                $0.locationID = location
                $0.name = text("Huvudmottagningen")
            }
            await expectCode(
                .notFound, cell("UpdateLocation", .otherAdmin, "a location of this organisation")
            ) {
                try await harness.identity.updateLocation(request, options: practice.options(.otherAdmin))
            }
            let updated = await expectOutcome(.ok, cell("UpdateLocation", .admin)) {
                try await harness.identity.updateLocation(request, options: practice.options(.admin))
            }
            #expect(updated?.location.name == "Huvudmottagningen", cell("UpdateLocation", .admin, "renamed"))
        }
    }

    @Test func deactivateLocation() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let location = try await firstLocation(harness, practice)
            let request: Tillit_Identity_V1_DeactivateLocationRequest = .with { $0.locationID = location }
            await expectCode(
                .notFound, cell("DeactivateLocation", .otherAdmin, "a location of this organisation")
            ) {
                try await harness.identity.deactivateLocation(request, options: practice.options(.otherAdmin))
            }
            let deactivated = await expectOutcome(.ok, cell("DeactivateLocation", .admin)) {
                try await harness.identity.deactivateLocation(request, options: practice.options(.admin))
            }
            #expect(deactivated?.location.active == false, cell("DeactivateLocation", .admin, "inactive"))
        }
    }

    @Test func setContactPolicy() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            await expectOutcome(.ok, cell("SetContactPolicy", .admin)) {
                try await harness.identity.setContactPolicy(
                    policyRequest("Ring 112"), options: practice.options(.admin))
            }
            await expectOutcome(.ok, cell("SetContactPolicy", .otherAdmin, "own organisation")) {
                try await harness.identity.setContactPolicy(
                    policyRequest("Ring 1177"), options: practice.options(.otherAdmin))
            }
            let here = try await harness.identity.getContactPolicy(.init(), options: practice.options(.admin))
            let there = try await harness.identity.getContactPolicy(
                .init(), options: practice.options(.otherAdmin))
            #expect(
                here.policy.emergencyInstructions == "Ring 112", cell("SetContactPolicy", .admin, "stored"))
            #expect(
                there.policy.emergencyInstructions == "Ring 1177",
                cell("SetContactPolicy", .otherAdmin, "stored in its own organisation, not here"))
        }
    }

    // MARK: Accounts

    @Test func createStaffAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func create(_ role: Role) async -> Tillit_Identity_V1_Account? {
                await expectOutcome(
                    role == .admin || role == .otherAdmin ? .ok : refused(role),
                    cell("CreateStaffAccount", role)
                ) {
                    try await harness.identity.createStaffAccount(
                        staffRequest("colleague.\(role.rawValue)@stigen.se", [.scheduler]),
                        options: practice.options(role))
                }?.account
            }
            let ours = await create(.admin)
            #expect(
                ours?.organizationID.value == practice.organization,
                cell("CreateStaffAccount", .admin, "in this organisation"))
            let theirs = await create(.otherAdmin)
            await expectOwnOrganization(harness, practice, theirs, "CreateStaffAccount")
        }
    }

    @Test func createClientAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func create(_ expected: Outcome, _ role: Role) async -> Tillit_Identity_V1_Account? {
                await expectOutcome(expected, cell("CreateClientAccount", role)) {
                    try await harness.identity.createClientAccount(
                        .with {
                            $0.email = "new.client.\(role.rawValue)@example.com"
                            $0.displayName = "New Client"
                        }, options: practice.options(role))
                }?.account
            }
            for role: Role in [.admin, .scheduler, .practitioner] {
                let account = await create(.ok, role)
                #expect(
                    account?.organizationID.value == practice.organization,
                    cell("CreateClientAccount", role, "in this organisation"))
            }
            let theirs = await create(.ok, .otherAdmin)
            await expectOwnOrganization(harness, practice, theirs, "CreateClientAccount")
        }
    }

    @Test func createServiceAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func create(_ role: Role) async -> Tillit_Identity_V1_Account? {
                await expectOutcome(
                    role == .admin || role == .otherAdmin ? .ok : refused(role),
                    cell("CreateServiceAccount", role)
                ) {
                    try await harness.identity.createServiceAccount(
                        .with { $0.displayName = "Reminders \(role.rawValue)" },
                        options: practice.options(role))
                }?.account
            }
            let ours = await create(.admin)
            #expect(
                ours?.organizationID.value == practice.organization,
                cell("CreateServiceAccount", .admin, "in this organisation"))
            let theirs = await create(.otherAdmin)
            await expectOwnOrganization(harness, practice, theirs, "CreateServiceAccount")
        }
    }

    @Test func updateAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func update(
                _ expected: Outcome, _ role: Role, _ detail: String,
                _ request: Tillit_Identity_V1_UpdateAccountRequest
            ) async {
                await expectOutcome(expected, cell("UpdateAccount", role, detail)) {
                    try await harness.identity.updateAccount(request, options: practice.options(role))
                }
            }
            let denied = Outcome.failed(.permissionDenied)
            // Footnote 2: a client changes its own name and client profile, nothing else.
            await update(.ok, .client, "own name", rename(practice.id(.client)))
            await update(
                .ok, .client, "own client profile",
                .with {
                    $0.accountID = accountID(practice.id(.client))
                    $0.client.timeZone = "Europe/Helsinki"
                    $0.client.languages = ["fi", "sv"]
                })
            await update(denied, .client, "own e-mail", newEmail(practice.id(.client), "me@example.org"))
            await update(denied, .client, "another client's name", rename(practice.otherClient))
            await update(denied, .client, "a practitioner's name", rename(practice.id(.practitioner)))
            // Footnote 2: staff change their own name and languages; e-mail and profile are the admin's.
            for role: Role in [.scheduler, .practitioner, .supervisor] {
                let me = practice.id(role)
                let licence: Tillit_Identity_V1_LicenceStatus = role == .scheduler ? .unspecified : .licensed
                await update(.ok, role, "own name", rename(me))
                await update(
                    .ok, role, "own languages", staffProfile(me, "psychotherapist", licence, ["sv", "ru"]))
                await update(
                    denied, role, "own discipline", staffProfile(me, "psychiatrist", licence, ["sv"]))
                await update(denied, role, "own e-mail", newEmail(me, "\(role.rawValue)@elsewhere.se"))
                await update(denied, role, "a client's name", rename(practice.id(.client)))
                await update(denied, role, "the admin's name", rename(practice.id(.admin)))
            }
            await update(denied, .service, "own name", rename(practice.id(.service)))
            await update(denied, .service, "a client's name", rename(practice.id(.client)))
            await update(
                .failed(.notFound), .otherAdmin, "a client of this organisation", rename(practice.id(.client))
            )
            await update(.ok, .admin, "a client's name", rename(practice.id(.client)))
            await update(
                .ok, .admin, "a client's e-mail", newEmail(practice.id(.client), "client@example.org"))
            await update(
                .ok, .admin, "a practitioner's discipline",
                staffProfile(practice.id(.practitioner), "psychiatrist", .licensed, ["sv"]))
            await update(.ok, .admin, "own name", rename(practice.id(.admin)))
        }
    }

    @Test func setRoles() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            @discardableResult
            func set(
                _ expected: Outcome, _ role: Role, _ target: String, _ roles: [Tillit_Identity_V1_Role],
                _ detail: String
            )
                async -> Tillit_Identity_V1_Account?
            {
                await expectOutcome(expected, cell("SetRoles", role, detail)) {
                    try await harness.identity.setRoles(
                        .with {
                            $0.accountID = accountID(target)
                            $0.roles = roles
                        }, options: practice.options(role))
                }?.account
            }
            let scheduler = practice.id(.scheduler)
            for role: Role in [.practitioner, .supervisor] {
                await set(
                    .failed(.permissionDenied), role, practice.id(role),
                    [role == .supervisor ? Tillit_Identity_V1_Role.supervisor : .practitioner, .admin],
                    "own roles")
            }
            await set(
                .failed(.notFound), .otherAdmin, scheduler, [.scheduler], "an account of this organisation")
            // Footnote 3: nobody changes their own roles (issue 9), so the only admin cannot give
            // up the role, nor can an admin while another remains.
            await set(
                .failed(.permissionDenied), .admin, practice.id(.admin), [.scheduler],
                "the last admin drops the role")
            let promoted = await set(
                .ok, .admin, scheduler, [.scheduler, .admin], "make the scheduler an admin")
            #expect(promoted?.roles.contains(.admin) == true, cell("SetRoles", .admin, "the roles are set"))
            await set(
                .failed(.permissionDenied), .admin, practice.id(.admin), [.scheduler],
                "drops its own role while another admin remains")
            await set(
                .failed(.permissionDenied), .admin, practice.id(.admin), [.admin, .practitioner],
                "adds a role to itself")
        }
    }

    @Test func deactivateAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            @discardableResult
            func deactivate(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async
                -> Tillit_Identity_V1_Account?
            {
                await expectOutcome(expected, cell("DeactivateAccount", role, detail)) {
                    try await harness.identity.deactivateAccount(
                        .with {
                            $0.accountID = accountID(target)
                            $0.reason = "moved away"
                        }, options: practice.options(role))
                }?.account
            }
            await deactivate(.failed(.permissionDenied), .scheduler, practice.id(.scheduler), "own account")
            await deactivate(
                .failed(.notFound), .otherAdmin, practice.otherClient, "a client of this organisation")
            await deactivate(
                .failed(.notFound), .otherAdmin, practice.id(.admin), "this organisation's admin")
            // Footnote 3: an admin cannot deactivate themself.
            await deactivate(.failed(.failedPrecondition), .admin, practice.id(.admin), "own account")
            let account = await deactivate(.ok, .admin, practice.otherClient, "a client")
            #expect(account?.status == .deactivated, cell("DeactivateAccount", .admin, "deactivated"))
        }
    }

    @Test func getAccount() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func get(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async {
                let response = await expectOutcome(expected, cell("GetAccount", role, detail)) {
                    try await harness.identity.getAccount(
                        .with { $0.accountID = accountID(target) }, options: practice.options(role))
                }
                if expected == .ok {
                    #expect(
                        response?.account.id.value == target,
                        cell("GetAccount", role, "\(detail): that account"))
                }
            }
            // Footnote 4: itself and staff; another client (or a service) is as if not there.
            await get(.ok, .client, practice.id(.client), "own account")
            await get(.ok, .client, practice.id(.practitioner), "a practitioner")
            await get(.ok, .client, practice.id(.admin), "the admin")
            await get(.failed(.notFound), .client, practice.otherClient, "another client")
            await get(.failed(.notFound), .client, practice.id(.service), "a service account")
            for role: Role in [.admin, .scheduler, .practitioner, .supervisor, .service] {
                await get(.ok, role, practice.id(.client), "a client")
                await get(.ok, role, practice.id(.practitioner), "a practitioner")
                await get(.ok, role, practice.id(role), "own account")
            }
            await get(.failed(.notFound), .otherAdmin, practice.id(.client), "a client of this organisation")
            await get(
                .failed(.notFound), .otherAdmin, practice.id(.practitioner),
                "a practitioner of this organisation")
        }
    }

    @Test func listAccounts() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let request: Tillit_Identity_V1_ListAccountsRequest = .with { $0.page.pageSize = 500 }
            let ours = Set(ourAccounts(practice))
            let theirs: Set<String> = [practice.id(.otherAdmin), practice.foreignClient]
            for role: Role in [.admin, .scheduler, .practitioner, .supervisor, .service, .otherAdmin] {
                let listed = await expectOutcome(.ok, cell("ListAccounts", role)) {
                    try await harness.identity.listAccounts(request, options: practice.options(role))
                }
                let ids = Set(listed?.accounts.map(\.id.value) ?? [])
                let (own, foreign) = role == .otherAdmin ? (theirs, ours) : (ours, theirs)
                #expect(ids == own, cell("ListAccounts", role, "exactly its own organisation's accounts"))
                #expect(
                    ids.isDisjoint(with: foreign),
                    cell("ListAccounts", role, "none of the other organisation's"))
            }
        }
    }

    @Test func accountExists() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func exists(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async
                -> Tillit_Identity_V1_AccountExistsResponse?
            {
                await expectOutcome(expected, cell("AccountExists", role, detail)) {
                    try await harness.identity.accountExists(
                        .with { $0.accountID = accountID(target) }, options: practice.options(role))
                }
            }
            for role: Role in [.admin, .scheduler, .practitioner, .supervisor, .service] {
                let answer = await exists(.ok, role, practice.id(.client), "a client")
                #expect(
                    answer?.exists == true && answer?.kind == .client,
                    cell("AccountExists", role, "a client exists"))
            }
            // An id of this organisation answers exactly like an id that does not exist.
            let missing = await exists(.ok, .otherAdmin, UUID().uuidString.lowercased(), "an unknown id")
            let foreign = await exists(
                .ok, .otherAdmin, practice.id(.client), "a client of this organisation")
            #expect(
                foreign?.exists == false && foreign == missing,
                cell("AccountExists", .otherAdmin, "this organisation's client does not exist for it"))
            let own = await exists(.ok, .otherAdmin, practice.foreignClient, "its own client")
            #expect(own?.exists == true, cell("AccountExists", .otherAdmin, "its own client exists"))
        }
    }

    @Test func isActive() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            func check(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async
                -> Tillit_Identity_V1_IsActiveResponse?
            {
                await expectOutcome(expected, cell("IsActive", role, detail)) {
                    try await harness.identity.isActive(
                        .with { $0.accountID = accountID(target) }, options: practice.options(role))
                }
            }
            for role: Role in [.admin, .scheduler, .practitioner, .supervisor, .service] {
                let answer = await check(.ok, role, practice.id(.practitioner), "a practitioner")
                #expect(
                    answer?.active == true && answer?.roles == [.practitioner]
                        && answer?.licenceStatus == .licensed,
                    cell("IsActive", role, "an active, licensed practitioner"))
            }
            _ = await check(
                .failed(.notFound), .otherAdmin, practice.id(.practitioner),
                "a practitioner of this organisation")
        }
    }

    // MARK: Consent

    @Test func recordConsent() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            let how = "orally at intake"
            @discardableResult
            func record(
                _ expected: Outcome, _ role: Role, _ request: Tillit_Identity_V1_RecordConsentRequest,
                onBehalfOf: String? = nil, actingFor: Role? = nil, _ detail: String
            ) async -> Tillit_Identity_V1_Consent? {
                let options =
                    actingFor.map { practice.options(role, actingFor: $0) }
                    ?? practice.options(role, onBehalfOf: onBehalfOf)
                return await expectOutcome(expected, cell("RecordConsent", role, detail)) {
                    try await harness.identity.recordConsent(request, options: options)
                }?.consent
            }
            await record(
                .failed(.permissionDenied), .client, consentRequest(practice.otherClient, .treatment),
                "another client's consent")
            let own = await record(.ok, .client, consentRequest(client, .treatment), "own consent")
            #expect(
                own?.recordedBy.value == client && own?.howGiven == "",
                cell("RecordConsent", .client, "recorded by the client"))
            // Footnote 5: staff give how_given.
            await record(
                .failed(.invalidArgument), .admin, consentRequest(client, .caseConsultation),
                "without how_given")
            let byAdmin = await record(
                .ok, .admin, consentRequest(client, .caseConsultation, howGiven: how), "with how_given")
            #expect(
                byAdmin?.recordedBy.value == practice.id(.admin) && byAdmin?.howGiven == how,
                cell("RecordConsent", .admin, "recorded by the admin, with how it was given"))
            let share = consentRequest(
                client, .shareWithPractitioner, practitioner: practice.id(.practitioner))
            await record(.failed(.invalidArgument), .practitioner, share, "without how_given")
            var shareHow = share
            shareHow.howGiven = how
            await record(.ok, .practitioner, shareHow, "with how_given")
            // Footnote 6: a service only acting for the client, recorded as given by the client.
            let byMessage = consentRequest(client, .contactByMessage)
            await record(.failed(.permissionDenied), .service, byMessage, "without x-on-behalf-of")
            await record(
                .failed(.permissionDenied), .service, byMessage, onBehalfOf: practice.otherClient,
                "acting for another client")
            // Naming the client without relaying the client's token is not acting for them.
            await record(
                .failed(.permissionDenied), .service, byMessage, onBehalfOf: client,
                "naming the client without the client's token")
            let byService = await record(
                .ok, .service, byMessage, actingFor: .client, "acting for the client with its token")
            #expect(
                byService?.recordedBy.value == client,
                cell("RecordConsent", .service, "recorded as given by the client"))
            await record(
                .failed(.notFound), .otherAdmin,
                consentRequest(practice.otherClient, .treatment, howGiven: how),
                "a client of this organisation")
        }
    }

    @Test func revokeConsent() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            let how = "by phone, 2026-03-02"
            func recorded(
                _ client: String, _ kind: Tillit_Identity_V1_ConsentKind, practitioner: String? = nil
            )
                async throws -> String
            {
                try await harness.identity.recordConsent(
                    consentRequest(client, kind, practitioner: practitioner, howGiven: "orally at intake"),
                    options: practice.options(.admin)
                ).consent.id
            }
            let treatment = try await recorded(client, .treatment)
            let consultation = try await recorded(client, .caseConsultation)
            let messages = try await recorded(client, .contactByMessage)
            let sharing = try await recorded(
                client, .shareWithPractitioner, practitioner: practice.id(.practitioner))
            let otherClients = try await recorded(practice.otherClient, .treatment)
            @discardableResult
            func revoke(
                _ expected: Outcome, _ role: Role, _ consent: String, howGiven: String = "",
                onBehalfOf: String? = nil, actingFor: Role? = nil,
                _ detail: String
            ) async -> Tillit_Identity_V1_Consent? {
                let options =
                    actingFor.map { practice.options(role, actingFor: $0) }
                    ?? practice.options(role, onBehalfOf: onBehalfOf)
                return await expectOutcome(expected, cell("RevokeConsent", role, detail)) {
                    try await harness.identity.revokeConsent(
                        .with {
                            $0.consentID = consent
                            $0.howGiven = howGiven
                        }, options: options)
                }?.consent
            }
            await revoke(.failed(.notFound), .client, otherClients, "another client's consent")
            let own = await revoke(.ok, .client, treatment, "own consent")
            #expect(own?.revokedBy.value == client, cell("RevokeConsent", .client, "revoked by the client"))
            await revoke(.failed(.permissionDenied), .service, consultation, "without x-on-behalf-of")
            await revoke(
                .failed(.permissionDenied), .service, consultation, onBehalfOf: practice.otherClient,
                "acting for another client")
            await revoke(
                .failed(.permissionDenied), .service, consultation, onBehalfOf: client,
                "naming the client without the client's token")
            let byService = await revoke(
                .ok, .service, consultation, actingFor: .client, "acting for the client with its token")
            #expect(
                byService?.revokedBy.value == client,
                cell("RevokeConsent", .service, "revoked as by the client"))
            await revoke(.failed(.invalidArgument), .admin, messages, "without how_given")
            let byAdmin = await revoke(.ok, .admin, messages, howGiven: how, "with how_given")
            #expect(
                byAdmin?.revocationHowGiven == how, cell("RevokeConsent", .admin, "records how it was given"))
            await revoke(.failed(.invalidArgument), .practitioner, sharing, "without how_given")
            await revoke(.ok, .practitioner, sharing, howGiven: how, "with how_given")
            await revoke(
                .failed(.notFound), .otherAdmin, otherClients, howGiven: how, "a consent of this organisation"
            )
        }
    }

    @Test func listConsents() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            let consent = try await harness.identity.recordConsent(
                consentRequest(client, .treatment, howGiven: "orally at intake"),
                options: practice.options(.admin)
            ).consent.id
            func list(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async {
                let response = await expectOutcome(expected, cell("ListConsents", role, detail)) {
                    try await harness.identity.listConsents(
                        .with { $0.clientID = accountID(target) }, options: practice.options(role))
                }
                if expected == .ok {
                    #expect(
                        response?.consents.map(\.id) == [consent],
                        cell("ListConsents", role, "the client's consent"))
                }
            }
            await list(.ok, .client, client, "own consents")
            await list(.failed(.permissionDenied), .client, practice.otherClient, "another client's consents")
            for role: Role in [.admin, .practitioner, .supervisor, .service] {
                await list(.ok, role, client, "a client's consents")
            }
            await list(.failed(.notFound), .otherAdmin, client, "a client of this organisation")
        }
    }

    @Test func checkConsent() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            _ = try await harness.identity.recordConsent(
                consentRequest(client, .treatment, howGiven: "orally at intake"),
                options: practice.options(.admin))
            func check(_ expected: Outcome, _ role: Role, _ target: String, _ detail: String) async {
                let response = await expectOutcome(expected, cell("CheckConsent", role, detail)) {
                    try await harness.identity.checkConsent(
                        .with {
                            $0.clientID = accountID(target)
                            $0.kind = .treatment
                        }, options: practice.options(role))
                }
                if expected == .ok {
                    #expect(response?.granted == true, cell("CheckConsent", role, "granted"))
                }
            }
            await check(.ok, .client, client, "own consent")
            await check(.failed(.permissionDenied), .client, practice.otherClient, "another client's consent")
            for role: Role in [.admin, .scheduler, .practitioner, .supervisor, .service] {
                await check(.ok, role, client, "a client's consent")
            }
            await check(.failed(.notFound), .otherAdmin, client, "a client of this organisation")
        }
    }

    // MARK: Audit

    @Test func listAuditEvents() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            for client in [practice.id(.client), practice.otherClient] {
                _ = try await identity.recordConsent(
                    consentRequest(client, .treatment, howGiven: "orally at intake"),
                    options: practice.options(.admin))
            }
            let everything: Tillit_Identity_V1_ListAuditEventsRequest = .with { $0.page.pageSize = 500 }
            let all = await expectOutcome(.ok, cell("ListAuditEvents", .admin)) {
                try await identity.listAuditEvents(everything, options: practice.options(.admin))
            }
            let clients = Set(all?.events.map(\.client.value) ?? [])
            #expect(
                clients.isSuperset(of: [practice.id(.client), practice.otherClient]),
                cell("ListAuditEvents", .admin, "events about every client"))
            // Footnote 7: a client sees the events whose client is itself.
            let own = await expectOutcome(.ok, cell("ListAuditEvents", .client, "events about itself")) {
                try await identity.listAuditEvents(everything, options: practice.options(.client))
            }
            #expect(
                own.map {
                    !$0.events.isEmpty && $0.events.allSatisfy { $0.client.value == practice.id(.client) }
                }
                    ?? false,
                cell("ListAuditEvents", .client, "only events whose client is itself"))
            await expectCode(.permissionDenied, cell("ListAuditEvents", .client, "another client's events")) {
                try await identity.listAuditEvents(
                    .with { $0.client = accountID(practice.otherClient) }, options: practice.options(.client))
            }
            let theirs = await expectOutcome(.ok, cell("ListAuditEvents", .otherAdmin, "own organisation")) {
                try await identity.listAuditEvents(everything, options: practice.options(.otherAdmin))
            }
            let named = Set(
                theirs?.events.flatMap {
                    [$0.actor.value, $0.subject.value, $0.client.value, $0.onBehalfOf.value]
                }
                    ?? [])
            #expect(
                named.contains(practice.foreignClient) && named.isDisjoint(with: ourAccounts(practice)),
                cell("ListAuditEvents", .otherAdmin, "its own organisation's events, none of this one's"))
        }
    }

    @Test func verifyAuditChain() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            for role: Role in [.admin, .otherAdmin] {
                let result = await expectOutcome(.ok, cell("VerifyAuditChain", role)) {
                    try await identity.verifyAuditChain(.init(), options: practice.options(role))
                }
                let listed = try await identity.listAuditEvents(
                    .with { $0.page.pageSize = 500 }, options: practice.options(role))
                #expect(
                    result?.intact == true && result?.eventsChecked == UInt64(listed.events.count),
                    cell("VerifyAuditChain", role, "checks exactly its own organisation's chain"))
            }
        }
    }

    @Test func getAuditCheckpoint() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            for role: Role in [.admin, .otherAdmin] {
                let result = await expectOutcome(.ok, cell("GetAuditCheckpoint", role)) {
                    try await identity.getAuditCheckpoint(.init(), options: practice.options(role))
                }
                let newest = try await identity.listAuditEvents(
                    .with { $0.page.pageSize = 1 }, options: practice.options(role)
                ).events.first
                #expect(
                    result?.checkpoint.sequence == newest?.sequence
                        && result?.checkpoint.hash == newest?.hash.map { String(format: "%02x", $0) }.joined(),
                    cell("GetAuditCheckpoint", role, "the head of its own organisation's chain"))
            }
        }
    }

    // MARK: Tokens that are refused everywhere (or nearly)

    /// An admin signed in with a password but without TOTP yet: EnrolTotp and ConfirmTotp only.
    @Test func aTotpEnrolmentTokenOnlyEnrols() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let enrolment = try await enrolmentScopeToken(harness, practice)
            let fixtures = try await Fixtures.make(
                harness, practice, me: enrolment.id, client: practice.id(.client), totpSecret: nil)
            for method in dataMethods(harness.identity, practice, fixtures)
            where method.rpc != "EnrolTotp" && method.rpc != "ConfirmTotp" {
                await expectCode(.permissionDenied, cell(method.rpc, "totp_enrolment token")) {
                    try await method.call(enrolment.options)
                }
            }
            let enrolled = await expectOutcome(.ok, cell("EnrolTotp", "totp_enrolment token")) {
                try await harness.identity.enrolTotp(.init(), options: enrolment.options)
            }
            await expectOutcome(.ok, cell("ConfirmTotp", "totp_enrolment token")) {
                try await harness.identity.confirmTotp(
                    .with { $0.code = harness.totpCode(enrolled?.secret ?? "") }, options: enrolment.options)
            }
        }
    }

    /// A deactivated account's access token stops working at once, before it expires: every data
    /// method the account could call answers UNAUTHENTICATED.
    @Test(arguments: [Practice.Role.admin, .client, .service])
    func aDeactivatedAccountsTokenStopsWorking(_ kind: Practice.Role) async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            let client = practice.id(.client)
            var me = practice.id(kind)
            var options =
                kind == .service ? practice.options(kind, actingFor: .client) : practice.options(kind)
            if kind == .admin {
                // The practice's admin cannot deactivate itself; a second admin can be.
                let second = try await secondAdmin(harness, practice)
                (me, options) = (second.id, second.options)
            }
            var pending: String?
            if kind == .admin {
                // Its TOTP is on; an enrolment to confirm needs a reset first. The reset ends its
                // sessions (issue 9), so it signs in again: an enrolment-scoped token.
                _ = try await identity.resetTotp(
                    .with { $0.accountID = accountID(me) }, options: practice.options(.admin))
                let again = try await harness.login(practice.organization, "second.admin@stigen.se")
                options = IdentityHarness.auth(again.tokens.accessToken)
            }
            if kind != .service {
                pending = try await identity.enrolTotp(.init(), options: options).secret
            }
            let fixtures = try await Fixtures.make(
                harness, practice, me: me, client: client, totpSecret: pending)
            _ = try await identity.deactivateAccount(
                .with { $0.accountID = accountID(me) }, options: practice.options(.admin))
            let allowed: Set<String>? =
                switch kind {
                case .client:
                    [
                        "RevokeSessions", "EnrolTotp", "ConfirmTotp", "ChangePassword", "GetOrganization",
                        "GetContactPolicy", "UpdateAccount", "GetAccount", "RecordConsent", "RevokeConsent",
                        "ListConsents", "CheckConsent", "ListAuditEvents",
                    ]
                case .service:
                    [
                        "GetOrganization", "GetContactPolicy", "GetAccount", "ListAccounts", "AccountExists",
                        "IsActive", "RecordConsent", "RevokeConsent", "ListConsents", "CheckConsent",
                    ]
                default: nil
                }
            let methods = dataMethods(identity, practice, fixtures).filter {
                allowed?.contains($0.rpc) ?? true
            }
            #expect(
                methods.count == (allowed?.count ?? 30), "every data method the account could call is tried")
            for method in methods {
                await expectCode(.unauthenticated, cell(method.rpc, "deactivated \(kind.rawValue)")) {
                    try await method.call(options)
                }
            }
        }
    }

    /// The matrix's columns are roles; an account holding several has what each allows.
    @Test func rolesAddUp() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            _ = try await identity.setRoles(
                .with {
                    $0.accountID = accountID(practice.id(.supervisor))
                    $0.roles = [.supervisor, .practitioner]
                }, options: practice.options(.admin))
            let login = try await harness.signIn(
                organization: practice.organization, email: email(.supervisor),
                totpSecret: practice.totpSecrets[.supervisor] ?? "")
            let options = IdentityHarness.auth(login.tokens.accessToken)
            await expectOutcome(.ok, cell("CreateClientAccount", "supervisor and practitioner")) {
                try await identity.createClientAccount(.with { $0.displayName = "Walk-in" }, options: options)
            }
            await expectOutcome(.ok, cell("RecordConsent", "supervisor and practitioner")) {
                try await identity.recordConsent(
                    consentRequest(practice.id(.client), .treatment, howGiven: "orally"), options: options)
            }
        }
    }
}

// MARK: - Helpers

private typealias Role = Practice.Role

/// Refused: UNAUTHENTICATED without a token, PERMISSION_DENIED with one.
private func refused(_ role: Role) -> Outcome {
    .refused(anonymous: role == .anonymous)
}

/// "rpc × caller: detail", the name of one cell.
private func cell(_ rpc: String, _ caller: String, _ detail: String = "") -> Comment {
    Comment(rawValue: detail.isEmpty ? "\(rpc) × \(caller)" : "\(rpc) × \(caller): \(detail)")
}

private func cell(_ rpc: String, _ role: Role, _ detail: String = "") -> Comment {
    cell(rpc, role.rawValue, detail)
}

private func accountID(_ id: String) -> Tillit_Common_V1_AccountId {
    .with { $0.value = id }
}

private func text(_ value: String) -> Tillit_Common_V1_StringValue {
    .with { $0.value = value }
}

/// The e-mail each role's account of `Practice` signs in with.
private func email(_ role: Role) -> String {
    switch role {
    case .anonymous, .service: ""
    case .client: "client@example.com"
    case .admin: "admin@stigen.se"
    case .scheduler: "scheduler@stigen.se"
    case .practitioner: "practitioner@stigen.se"
    case .supervisor: "supervisor@stigen.se"
    case .otherAdmin: "admin@annan.se"
    }
}

/// Every account of the practice's own organisation.
private func ourAccounts(_ practice: Practice) -> [String] {
    [Role.client, .admin, .scheduler, .practitioner, .supervisor, .service].map(practice.id) + [
        practice.otherClient
    ]
}

private func loginRequest(
    _ organization: String, _ email: String, password: String = IdentityHarness.password
)
    -> Tillit_Identity_V1_LoginRequest
{
    .with {
        $0.organizationID.value = organization
        $0.email = email
        $0.password = password
    }
}

private func bootstrapRequest(secret: String?) -> Tillit_Identity_V1_BootstrapRequest {
    .with {
        $0.organizationName = "Ny Praktik"
        $0.timeZone = "Europe/Stockholm"
        $0.adminEmail = "admin@ny.se"
        $0.adminDisplayName = "Admin"
        $0.adminPassword = IdentityHarness.password
        $0.bootstrapSecret = secret ?? ""
    }
}

private func staffRequest(_ email: String, _ roles: [Tillit_Identity_V1_Role])
    -> Tillit_Identity_V1_CreateStaffAccountRequest
{
    .with {
        $0.email = email
        $0.displayName = email
        $0.roles = roles
        $0.initialPassword = IdentityHarness.password
    }
}

private func rename(_ id: String) -> Tillit_Identity_V1_UpdateAccountRequest {
    .with {
        $0.accountID = accountID(id)
        $0.displayName = text("Renamed \(id.prefix(8))")
    }
}

private func newEmail(_ id: String, _ email: String) -> Tillit_Identity_V1_UpdateAccountRequest {
    .with {
        $0.accountID = accountID(id)
        $0.email = text(email)
    }
}

private func staffProfile(
    _ id: String, _ discipline: String, _ licence: Tillit_Identity_V1_LicenceStatus, _ languages: [String]
) -> Tillit_Identity_V1_UpdateAccountRequest {
    .with {
        $0.accountID = accountID(id)
        $0.staff.discipline = discipline
        $0.staff.licenceStatus = licence
        $0.staff.languages = languages
    }
}

private func consentRequest(
    _ client: String, _ kind: Tillit_Identity_V1_ConsentKind, practitioner: String? = nil,
    howGiven: String = ""
) -> Tillit_Identity_V1_RecordConsentRequest {
    .with {
        $0.clientID = accountID(client)
        $0.kind = kind
        if let practitioner { $0.practitionerID = accountID(practitioner) }
        $0.howGiven = howGiven
    }
}

private func policyRequest(_ instructions: String) -> Tillit_Identity_V1_SetContactPolicyRequest {
    .with {
        $0.policy.hours = [
            .with {
                $0.weekday = .monday; $0.startMinute = 9 * 60; $0.endMinute = 17 * 60
            }
        ]
        $0.policy.nightRule = .noContact
        $0.policy.weekendRule = .noContact
        $0.policy.emergencyInstructions = instructions
    }
}

/// The id of the practice's first location.
private func firstLocation(_ harness: IdentityHarness, _ practice: Practice) async throws -> String {
    let organization = try await harness.identity.getOrganization(.init(), options: practice.options(.admin))
    return try #require(organization.organization.locations.first).id
}

/// The other organisation's admin created `account`: it is in that organisation and does not
/// exist in this one.
private func expectOwnOrganization(
    _ harness: IdentityHarness, _ practice: Practice, _ account: Tillit_Identity_V1_Account?, _ rpc: String
) async {
    #expect(
        account?.organizationID.value == practice.otherOrganization,
        cell(rpc, .otherAdmin, "created in its own organisation"))
    let here = await expectOutcome(.ok, cell(rpc, .otherAdmin, "looked up here")) {
        try await harness.identity.accountExists(
            .with { $0.accountID = accountID(account?.id.value ?? "") }, options: practice.options(.admin))
    }
    #expect(here?.exists == false, cell(rpc, .otherAdmin, "not in this organisation"))
}

/// A new admin signed in with a password only: its access token is limited to TOTP enrolment.
private func enrolmentScopeToken(_ harness: IdentityHarness, _ practice: Practice) async throws
    -> (id: String, options: CallOptions)
{
    let created = try await harness.identity.createStaffAccount(
        staffRequest("new.admin@stigen.se", [.admin]), options: practice.options(.admin))
    let login = try await harness.identity.login(loginRequest(practice.organization, "new.admin@stigen.se"))
    try #require(login.totpEnrolmentRequired)
    return (created.account.id.value, IdentityHarness.auth(login.tokens.accessToken))
}

/// A second admin of the practice, fully signed in (TOTP enrolled).
private func secondAdmin(_ harness: IdentityHarness, _ practice: Practice) async throws
    -> (id: String, options: CallOptions)
{
    let created = try await harness.identity.createStaffAccount(
        staffRequest("second.admin@stigen.se", [.admin]), options: practice.options(.admin))
    let login = try await harness.signIn(organization: practice.organization, email: "second.admin@stigen.se")
        .login
    return (created.account.id.value, IdentityHarness.auth(login.tokens.accessToken))
}

/// Bootstrap, Login, LoginService, Refresh, Logout and GetSigningKeys called with `options`:
/// all succeed (Bootstrap, an organisation existing, only with the secret).
private func checkPublicMethods(
    _ harness: IdentityHarness, _ practice: Practice, _ options: CallOptions, caller: String
) async {
    let identity = harness.identity
    await expectCode(.permissionDenied, cell("Bootstrap", caller, "an organisation exists, no secret")) {
        try await identity.bootstrap(bootstrapRequest(secret: nil), options: options)
    }
    await expectCode(.permissionDenied, cell("Bootstrap", caller, "wrong secret")) {
        try await identity.bootstrap(
            bootstrapRequest(secret: "not-the-bootstrap-secret-987654"), options: options)
    }
    let boot = await expectOutcome(.ok, cell("Bootstrap", caller, "with the secret")) {
        try await identity.bootstrap(
            bootstrapRequest(secret: IdentityHarness.bootstrapSecret), options: options)
    }
    #expect(
        boot.map { ![practice.organization, practice.otherOrganization].contains($0.organization.id.value) }
            ?? false,
        cell("Bootstrap", caller, "a new organisation"))
    let login = await expectOutcome(.ok, cell("Login", caller)) {
        try await identity.login(loginRequest(practice.organization, email(.client)), options: options)
    }
    #expect(
        login?.account.id.value == practice.id(.client), cell("Login", caller, "signs in the named account"))
    let service = await expectOutcome(.ok, cell("LoginService", caller)) {
        try await identity.loginService(
            .with {
                $0.organizationID.value = practice.organization
                $0.accountID = accountID(practice.id(.service))
                $0.secret = practice.serviceSecret
            }, options: options)
    }
    #expect(service?.tokens.accessToken.isEmpty == false, cell("LoginService", caller, "tokens"))
    let refreshed = await expectOutcome(.ok, cell("Refresh", caller)) {
        try await identity.refresh(
            .with { $0.refreshToken = login?.tokens.refreshToken ?? "" }, options: options)
    }
    await expectOutcome(.ok, cell("Logout", caller)) {
        try await identity.logout(
            .with { $0.refreshToken = refreshed?.tokens.refreshToken ?? "" }, options: options)
    }
    await expectCode(.unauthenticated, cell("Logout", caller, "the session has ended")) {
        try await identity.refresh(.with { $0.refreshToken = refreshed?.tokens.refreshToken ?? "" })
    }
    let keys = await expectOutcome(.ok, cell("GetSigningKeys", caller)) {
        try await identity.getSigningKeys(.init(), options: options)
    }
    #expect(keys?.keys.isEmpty == false, cell("GetSigningKeys", caller, "at least one key"))
}

/// What valid requests of every data method need.
private struct Fixtures: Sendable {
    /// The caller's own account.
    var me: String
    /// The client consent calls name (the caller itself when it is a client).
    var client: String
    var location: String
    /// A consent of `client` in force.
    var consent: String
    /// A current code of the caller's pending TOTP enrolment (a wrong one when there is none).
    var totpCode: @Sendable () -> String

    static func make(
        _ harness: IdentityHarness, _ practice: Practice, me: String, client: String, totpSecret: String?
    ) async throws -> Fixtures {
        let admin = practice.options(.admin)
        let location = try await firstLocation(harness, practice)
        let consent = try await harness.identity.recordConsent(
            consentRequest(client, .caseConsultation, howGiven: "orally at intake"), options: admin
        ).consent.id
        return Fixtures(
            me: me, client: client, location: location, consent: consent,
            totpCode: { totpSecret.map { harness.totpCode($0) } ?? "000000" })
    }
}

/// One rpc that needs an access token, with a valid request.
private struct DataMethod {
    let rpc: String
    let call: (CallOptions) async throws -> Void
}

/// Every rpc that needs an access token (29 of the 35), each with a request that is valid for
/// the caller of `fixtures` (an admin, or a client/service for the calls those may make).
private func dataMethods(_ identity: Tillit_Identity_V1_Identity.Client, _ practice: Practice, _ f: Fixtures)
    -> [DataMethod]
{
    var methods: [DataMethod] = []
    func add(_ rpc: String, _ call: @escaping (CallOptions) async throws -> Void) {
        methods.append(DataMethod(rpc: rpc, call: call))
    }
    add("RevokeSessions") { options in
        _ = try await identity.revokeSessions(.with { $0.accountID = accountID(f.me) }, options: options)
    }
    add("EnrolTotp") { options in _ = try await identity.enrolTotp(.init(), options: options) }
    add("ConfirmTotp") { options in
        _ = try await identity.confirmTotp(.with { $0.code = f.totpCode() }, options: options)
    }
    add("ChangePassword") { options in
        _ = try await identity.changePassword(
            .with {
                $0.currentPassword = IdentityHarness.password
                $0.newPassword = "another long passphrase"
            }, options: options)
    }
    add("SetPassword") { options in
        _ = try await identity.setPassword(
            .with {
                $0.accountID = accountID(practice.otherClient)
                $0.newPassword = "another long passphrase"
            }, options: options)
    }
    add("ResetTotp") { options in
        _ = try await identity.resetTotp(
            .with { $0.accountID = accountID(practice.id(.supervisor)) }, options: options)
    }
    add("GetOrganization") { options in _ = try await identity.getOrganization(.init(), options: options) }
    add("UpdateOrganization") { options in
        _ = try await identity.updateOrganization(.with { $0.name = text("Renamed") }, options: options)
    }
    add("AddLocation") { options in
        _ = try await identity.addLocation(
            .with {
                $0.location.name = "Filialen"
                $0.location.address = "Kungsgatan 2"
                $0.location.city = "Luleå"
            }, options: options)
    }
    add("UpdateLocation") { options in
        _ = try await identity.updateLocation(
            .with {
                $0.locationID = f.location
                $0.name = text("Renamed")
            }, options: options)
    }
    add("DeactivateLocation") { options in
        _ = try await identity.deactivateLocation(.with { $0.locationID = f.location }, options: options)
    }
    add("CreateStaffAccount") { options in
        _ = try await identity.createStaffAccount(
            staffRequest("colleague@stigen.se", [.scheduler]), options: options)
    }
    add("CreateClientAccount") { options in
        _ = try await identity.createClientAccount(.with { $0.displayName = "Walk-in" }, options: options)
    }
    add("CreateServiceAccount") { options in
        _ = try await identity.createServiceAccount(.with { $0.displayName = "Reminders" }, options: options)
    }
    add("UpdateAccount") { options in _ = try await identity.updateAccount(rename(f.me), options: options) }
    add("SetRoles") { options in
        _ = try await identity.setRoles(
            .with {
                $0.accountID = accountID(practice.id(.scheduler))
                $0.roles = [.scheduler]
            }, options: options)
    }
    add("DeactivateAccount") { options in
        _ = try await identity.deactivateAccount(
            .with { $0.accountID = accountID(practice.otherClient) }, options: options)
    }
    add("GetAccount") { options in
        _ = try await identity.getAccount(.with { $0.accountID = accountID(f.me) }, options: options)
    }
    add("ListAccounts") { options in _ = try await identity.listAccounts(.init(), options: options) }
    add("AccountExists") { options in
        _ = try await identity.accountExists(.with { $0.accountID = accountID(f.client) }, options: options)
    }
    add("IsActive") { options in
        _ = try await identity.isActive(.with { $0.accountID = accountID(f.client) }, options: options)
    }
    add("RecordConsent") { options in
        _ = try await identity.recordConsent(
            consentRequest(f.client, .contactByMessage, howGiven: "orally"), options: options)
    }
    add("RevokeConsent") { options in
        _ = try await identity.revokeConsent(
            .with {
                $0.consentID = f.consent
                $0.howGiven = "orally"
            }, options: options)
    }
    add("ListConsents") { options in
        _ = try await identity.listConsents(.with { $0.clientID = accountID(f.client) }, options: options)
    }
    add("CheckConsent") { options in
        _ = try await identity.checkConsent(
            .with {
                $0.clientID = accountID(f.client)
                $0.kind = .treatment
            }, options: options)
    }
    add("GetContactPolicy") { options in _ = try await identity.getContactPolicy(.init(), options: options) }
    add("SetContactPolicy") { options in
        _ = try await identity.setContactPolicy(policyRequest("Ring 112"), options: options)
    }
    add("ListAuditEvents") { options in _ = try await identity.listAuditEvents(.init(), options: options) }
    add("VerifyAuditChain") { options in _ = try await identity.verifyAuditChain(.init(), options: options) }
    add("GetAuditCheckpoint") { options in _ = try await identity.getAuditCheckpoint(.init(), options: options) }
    return methods
}
