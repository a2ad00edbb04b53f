import Foundation
import Testing
import TillitTesting
import TillitContracts
import TillitIdentity
import TillitRPC

/// Bad input answers INVALID_ARGUMENT naming the field, changes nothing, and the server keeps serving.
struct ValidationTests {
    @Test func bootstrapRefusesBadInputAndLeavesTheDatabaseEmpty() async throws {
        try await withIdentity { harness in
            func attempt(_ change: (inout Tillit_Identity_V1_BootstrapRequest) -> Void) async -> RPCError? {
                var request = Tillit_Identity_V1_BootstrapRequest()
                request.organizationName = "Stigen"
                request.timeZone = "Europe/Stockholm"
                request.adminEmail = "admin@stigen.se"
                request.adminDisplayName = "Admin"
                request.adminPassword = IdentityHarness.password
                change(&request)
                return await expectRPCError(.invalidArgument) {
                    try await harness.identity.bootstrap(request)
                }
            }
            #expect(await attempt { $0.organizationName = "" }?.message.contains("organization_name") == true)
            #expect(
                await attempt { $0.organizationName = "   " }?.message.contains("organization_name") == true)
            #expect(await attempt { $0.organizationName = String(repeating: "x", count: 201) } != nil)
            #expect(await attempt { $0.organizationName = "Stigen\u{0}" } != nil)
            #expect(await attempt { $0.timeZone = "Mars/Olympus" }?.message.contains("time_zone") == true)
            #expect(await attempt { $0.timeZone = "CET+1" } != nil)
            #expect(await attempt { $0.timeZone = "" } != nil)
            #expect(await attempt { $0.adminEmail = "not-an-email" }?.message.contains("admin_email") == true)
            #expect(await attempt { $0.adminEmail = "a@b" } != nil)
            #expect(await attempt { $0.adminEmail = "a b@c.se" } != nil)
            #expect(await attempt { $0.adminEmail = String(repeating: "a", count: 250) + "@x.se" } != nil)
            #expect(await attempt { $0.adminPassword = "short" }?.message.contains("12") == true)
            #expect(await attempt { $0.adminPassword = String(repeating: "p", count: 1025) } != nil)
            #expect(await attempt { $0.adminDisplayName = "" } != nil)
            #expect(
                await attempt {
                    var location = Tillit_Identity_V1_NewLocation()
                    location.name = "Rum"
                    location.city = ""
                    $0.locations = [location]
                }?.message.contains("locations[0].city") == true)
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
            await expectRPCError(.invalidArgument, "practitioner without licence status") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.licenceStatus = .preLicensed
            await expectRPCError(.invalidArgument, "pre-licensed without supervisor") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.supervisorID.value = practice.id(.scheduler)
            await expectRPCError(.failedPrecondition, "supervisor without the supervisor role") {
                try await harness.identity.createStaffAccount(staff, options: admin)
            }
            staff.profile.supervisorID.value = practice.id(.supervisor)
            staff.profile.languages = ["sv", "not a tag"]
            await expectRPCError(.invalidArgument, "language tag") {
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
            await expectRPCError(.invalidArgument, "client time zone") {
                try await harness.identity.createClientAccount(client, options: admin)
            }
            client.profile.timeZone = ""
            client.initialPassword = IdentityHarness.password
            await expectRPCError(.invalidArgument, "password without e-mail") {
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
            await expectRPCError(.invalidArgument, "overlapping hours") {
                try await harness.identity.setContactPolicy(policy, options: admin)
            }
            policy.policy.hours = [
                .with {
                    $0.weekday = .monday; $0.startMinute = 600; $0.endMinute = 1441
                }
            ]
            await expectRPCError(.invalidArgument, "end past midnight") {
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
