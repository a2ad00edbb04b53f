import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitTesting

/// Bad input answers INVALID_ARGUMENT naming the field, changes nothing, and the server keeps serving.
@Suite(.timeLimit(.minutes(5)))
struct ValidationTests {
    @Test func bootstrapRefusesBadInputAndLeavesTheDatabaseEmpty() async throws {
        try await withIdentity { harness in
            func makeRequest(_ change: (inout Tillit_Identity_V1_BootstrapRequest) -> Void)
                -> Tillit_Identity_V1_BootstrapRequest
            {
                var request = Tillit_Identity_V1_BootstrapRequest()
                request.organizationName = "Stigen"
                request.timeZone = "Europe/Stockholm"
                request.adminEmail = "admin@stigen.se"
                request.adminDisplayName = "Admin"
                request.adminPassword = IdentityHarness.password
                change(&request)
                return request
            }
            func attempt(_ change: (inout Tillit_Identity_V1_BootstrapRequest) -> Void) async -> RPCError? {
                let request = makeRequest(change)
                return await expectRPCError(.invalidArgument) {
                    try await harness.identity.bootstrap(request)
                }
            }
            func refused(_ field: String, _ change: (inout Tillit_Identity_V1_BootstrapRequest) -> Void) async
            {
                let request = makeRequest(change)
                await expectInvalidArgument(naming: field, "bootstrap") {
                    try await harness.identity.bootstrap(request)
                }
            }
            await refused("organization_name") { $0.organizationName = "" }
            await refused("organization_name") { $0.organizationName = "   " }
            await refused("organization_name") { $0.organizationName = String(repeating: "x", count: 201) }
            await refused("organization_name") { $0.organizationName = "Stigen\u{0}" }
            await refused("time_zone") { $0.timeZone = "Mars/Olympus" }
            await refused("time_zone") { $0.timeZone = "CET+1" }
            await refused("time_zone") { $0.timeZone = "" }
            await refused("admin_email") { $0.adminEmail = "not-an-email" }
            await refused("admin_email") { $0.adminEmail = "a@b" }
            await refused("admin_email") { $0.adminEmail = "a b@c.se" }
            await refused("admin_email") { $0.adminEmail = String(repeating: "a", count: 250) + "@x.se" }
            // PasswordPolicy's messages say "password" (the same policy serves every password field).
            let short = await attempt { $0.adminPassword = "short" }
            #expect(short?.message.contains("12") == true, "\(String(describing: short))")
            await refused("password") { $0.adminPassword = "short" }
            await refused("password") { $0.adminPassword = String(repeating: "p", count: 1025) }
            await refused("admin_display_name") { $0.adminDisplayName = "" }
            let noCity = await attempt {
                var location = Tillit_Identity_V1_NewLocation()
                location.name = "Rum"
                location.city = ""
                $0.locations = [location]
            }
            #expect(noCity?.message.contains("locations[0].city") == true, "\(String(describing: noCity))")
            // Nothing was created: a valid bootstrap still works without the secret.
            let created = try await harness.bootstrap()
            #expect(created.organization.timeZone == "Europe/Stockholm")
            #expect(created.organization.locations.count == 1)
        }
    }

    @Test func accountsAndPolicyRefuseBadInput() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let admin = practice.options(.admin)
            var staff = Tillit_Identity_V1_CreateStaffAccountRequest()
            staff.email = "new@stigen.se"
            staff.displayName = "New"
            staff.roles = [.practitioner]
            staff.initialPassword = IdentityHarness.password
            await expectInvalidArgument(
                naming: "profile.licence_status", "practitioner without licence status"
            ) {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.licenceStatus = .preLicensed
            await expectInvalidArgument(naming: "profile.supervisor_id", "pre-licensed without supervisor") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.supervisorID.value = practice.id(.scheduler)
            await expectRPCError(.failedPrecondition, "supervisor without the supervisor role") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.supervisorID.value = practice.id(.supervisor)
            staff.profile.languages = ["sv", "not a tag"]
            await expectInvalidArgument(naming: "profile.languages", "language tag") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.languages = ["sv", "fi", "sv"]
            let created = try await harness.identity.createStaffAccount(staff, options: admin).account
            #expect(created.staff.languages == ["sv", "fi"])
            #expect(created.staff.supervisorID.value == practice.id(.supervisor))
            staff.email = "NEW@stigen.se"
            await expectRPCError(.alreadyExists, "e-mail in use, case-insensitively") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            // The supervisor cannot lose the role or be deactivated while supervising.
            var roles = Tillit_Identity_V1_SetRolesRequest()
            roles.accountID.value = practice.id(.supervisor)
            roles.roles = [.practitioner]
            await expectRPCError(.failedPrecondition, "supervisor with supervisees") {
                try await harness.identity.setRoles(roles, options: admin)
            }

            var client = Tillit_Identity_V1_CreateClientAccountRequest()
            client.displayName = "Klient"
            client.profile.timeZone = "Europe/Nowhere"
            await expectInvalidArgument(naming: "profile.time_zone", "client time zone") {
                try await harness.identity.createClientAccount(client, options: admin)
            }
            client.profile.timeZone = ""
            client.initialPassword = IdentityHarness.password
            await expectInvalidArgument(naming: "initial_password", "password without e-mail") {
                try await harness.identity.createClientAccount(client, options: admin)
            }

            var policy = Tillit_Identity_V1_SetContactPolicyRequest()
            policy.policy.nightRule = .noContact
            policy.policy.weekendRule = .emergencyOnly
            policy.policy.hours = [
                .with {
                    $0.weekday = .monday; $0.startMinute = 540; $0.endMinute = 720
                },
                .with {
                    $0.weekday = .monday; $0.startMinute = 700; $0.endMinute = 900
                },
            ]
            await expectInvalidArgument(naming: "policy.hours", "overlapping hours") {
                try await harness.identity.setContactPolicy(policy, options: admin)
            }
            policy.policy.hours = [
                .with {
                    $0.weekday = .monday; $0.startMinute = 600; $0.endMinute = 1441
                }
            ]
            await expectInvalidArgument(naming: "policy.hours[0]", "end past midnight") {
                try await harness.identity.setContactPolicy(policy, options: admin)
            }
            policy.policy.hours = [
                .with {
                    $0.weekday = .monday; $0.startMinute = 540; $0.endMinute = 720
                },
                .with {
                    $0.weekday = .monday; $0.startMinute = 780; $0.endMinute = 960
                },
            ]
            policy.policy.emergencyInstructions = "Ring 112 vid akut fara."
            policy.policy.crisisLines = [
                .with {
                    $0.name = "Mind Självmordslinjen"; $0.phone = "90101"; $0.hours = "dygnet runt"
                }
            ]
            let stored = try await harness.identity.setContactPolicy(policy, options: admin).policy
            #expect(stored.hours.count == 2)
            #expect(stored.updatedBy.value == practice.id(.admin))
            let read = try await harness.identity.getContactPolicy(
                .init(), options: practice.options(.service))
            #expect(read.timeZone == "Europe/Stockholm")
            #expect(read.policy.crisisLines.first?.phone == "90101")
            #expect(read.policy.weekendRule == .emergencyOnly)
            // The other organisation has no policy: the empty NO_CONTACT one.
            let other = try await harness.identity.getContactPolicy(
                .init(), options: practice.options(.otherAdmin))
            #expect(other.policy.hours.isEmpty)
            #expect(other.policy.nightRule == .noContact)
            // Still serving.
            let health = Tillit_Health_V1_Health.Client(harness.rpc)
            #expect(try await health.check(.init()).status == .serving)
        }
    }
}

/// Expects INVALID_ARGUMENT from `body` with a message naming `field`.
private func expectInvalidArgument(
    naming field: String, _ note: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async {
    let error = await expectRPCError(.invalidArgument, note, sourceLocation: sourceLocation, body)
    #expect(error?.code == .invalidArgument, "\(note)", sourceLocation: sourceLocation)
    #expect(
        error?.message.contains(field) == true,
        "\(error?.message ?? "no error") should name \(field). \(note)", sourceLocation: sourceLocation)
}
