import Foundation
import GRDB
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitTesting

/// The audit trail: what is recorded, and that tampering behind the triggers is detected.
@Suite(.timeLimit(.minutes(5)))
struct AuditTrailTests {
    @Test func loginsRoleChangesAndConsentAreRecordedInAnIntactChain() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            var login = Tillit_Identity_V1_LoginRequest()
            login.organizationID.value = practice.organization
            login.email = "practitioner@stigen.se"
            login.password = "wrong password, twelve+"
            await expectRPCError(.unauthenticated) { try await harness.identity.login(login) }
            var roles = Tillit_Identity_V1_SetRolesRequest()
            roles.accountID.value = practice.id(.scheduler)
            roles.roles = [.scheduler, .admin]
            _ = try await harness.identity.setRoles(roles, options: practice.options(.admin))

            let events = try await harness.identity.listAuditEvents(
                .with { $0.page.pageSize = 500 }, options: practice.options(.admin)
            ).events
            #expect(
                events.contains {
                    $0.action == "login" && $0.outcome == .failure
                        && $0.subject.value == practice.id(.practitioner)
                })
            #expect(
                events.contains {
                    $0.action == "login" && $0.outcome == .success && $0.actor.value == practice.id(.client)
                })
            let change = try #require(events.first { $0.action == "roles.set" })
            #expect(change.actor.value == practice.id(.admin))
            #expect(change.subject.value == practice.id(.scheduler))
            #expect(change.detail.contains("admin,scheduler"))
            #expect(!change.requestID.isEmpty)
            // Newest first, contiguous, linked.
            let sequences = events.map(\.sequence)
            #expect(sequences == sequences.sorted(by: >))
            for (newer, older) in zip(events, events.dropFirst()) {
                #expect(newer.previousHash == older.hash)
            }
            // Nothing of the other organisation.
            let otherEvents = try await harness.identity.listAuditEvents(
                .init(), options: practice.options(.otherAdmin)
            ).events
            #expect(!otherEvents.contains { $0.actor.value == practice.id(.admin) })
            let verify = try await harness.identity.verifyAuditChain(
                .init(), options: practice.options(.admin))
            #expect(verify.intact)
            #expect(verify.eventsChecked == UInt64(events.count))
        }
    }

    @Test func aRelayedCallRecordsTheServiceTheClientAndTheRelay() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            var options = practice.options(.service, actingFor: .client)
            options.metadata.add("x-calling-service", "booking")
            // The relay presents booking's certificate: a claim without it is refused
            // (ServiceIdentityTests).
            let booking = RPCClient(
                host: "127.0.0.1", port: harness.port,
                configuration: try .tls(to: .identity, presenting: "booking"))
            defer { booking.close() }
            _ = try await Tillit_Identity_V1_Identity.Client(booking).recordConsent(
                .with {
                    $0.clientID.value = client
                    $0.kind = .contactByMessage
                }, options: options)
            let events = try await harness.identity.listAuditEvents(
                .with { $0.page.pageSize = 500 }, options: practice.options(.admin)
            ).events
            let recorded = try #require(events.first { $0.action == "consent.record" })
            #expect(recorded.actor.value == practice.id(.service))
            #expect(recorded.onBehalfOf.value == client)
            #expect(recorded.client.value == client)
            #expect(recorded.via == "booking")
            // Events without a relay have none.
            #expect(events.filter { $0.action != "consent.record" }.allSatisfy { $0.via.isEmpty })
            let verify = try await harness.identity.verifyAuditChain(
                .init(), options: practice.options(.admin))
            #expect(verify.intact)
        }
    }

    @Test func anEditBehindTheTriggersIsFound() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-audit-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (organization, admin, secret) = try await withIdentity(dataDirectory: directory) { harness in
            let practice = try await Practice.make(harness)
            return (practice.organization, "admin@stigen.se", practice.totpSecrets[.admin] ?? "")
        }
        // Someone with the file edits a row after dropping the trigger (the sqlite3 shell would do).
        let queue = try DatabaseQueue(path: directory + "/identity.db")
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_no_update")
            try db.execute(
                sql:
                    "UPDATE audit_events SET detail = 'nothing to see' WHERE organization_id = ? AND seq = 3",
                arguments: [organization])
        }
        try queue.close()
        try await withIdentity(dataDirectory: directory) { harness in
            harness.clock.advance(seconds: 300)  // past the steps the first run's clock used
            let login = try await harness.signIn(organization: organization, email: admin, totpSecret: secret)
            let verify = try await harness.identity.verifyAuditChain(
                .init(), options: IdentityHarness.auth(login.tokens.accessToken))
            #expect(!verify.intact)
            #expect(verify.firstBrokenSequence == 3)
            #expect(verify.problem == "hash mismatch")
        }
    }

    @Test func aDeletedRowIsFound() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-audit-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (organization, secret) = try await withIdentity(dataDirectory: directory) { harness in
            let practice = try await Practice.make(harness)
            return (practice.organization, practice.totpSecrets[.admin] ?? "")
        }
        let queue = try DatabaseQueue(path: directory + "/identity.db")
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_no_delete")
            try db.execute(
                sql: "DELETE FROM audit_events WHERE organization_id = ? AND seq = 4",
                arguments: [organization])
        }
        try queue.close()
        try await withIdentity(dataDirectory: directory) { harness in
            harness.clock.advance(seconds: 300)  // past the steps the first run's clock used
            // Appending still works (the new event links to the last one), and verification names the gap.
            let login = try await harness.signIn(
                organization: organization, email: "admin@stigen.se", totpSecret: secret)
            let verify = try await harness.identity.verifyAuditChain(
                .init(), options: IdentityHarness.auth(login.tokens.accessToken))
            #expect(!verify.intact)
            #expect(verify.firstBrokenSequence == 4)
            #expect(verify.problem == "gap after 3")
        }
    }

    @Test func aChainCutBackWithItsHeadIsFoundAgainstTheCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let (organization, secret, checkpoint) = try await withIdentity(dataDirectory: directory.path) {
                harness in
                let practice = try await Practice.make(harness)
                let checkpoint = try await harness.identity.getAuditCheckpoint(
                    .init(), options: practice.options(.admin)
                ).checkpoint
                #expect(checkpoint.sequence > 3)
                #expect(checkpoint.hash.count == 64)
                let verified = try await harness.identity.verifyAuditChain(
                    .with { $0.checkpoint = checkpoint }, options: practice.options(.admin))
                #expect(verified.intact)
                let refused = await expectRPCError(.invalidArgument) {
                    try await harness.identity.verifyAuditChain(
                        .with {
                            $0.checkpoint.sequence = 1
                            $0.checkpoint.hash = "ZZ"
                        }, options: practice.options(.admin))
                }
                #expect(refused?.message.contains("checkpoint.hash") == true)
                return (practice.organization, practice.totpSecrets[.admin] ?? "", checkpoint)
            }
            // Someone with the file cuts the last events and moves the head back with them.
            let queue = try DatabaseQueue(path: directory.path + "/identity.db")
            try await queue.write { db in
                // Only the two triggers in the way; the rest keep working for the next appends.
                try db.execute(sql: "DROP TRIGGER audit_events_no_delete")
                try db.execute(sql: "DROP TRIGGER audit_heads_follow_chain")
                try db.execute(
                    sql: "DELETE FROM audit_events WHERE organization_id = ? AND seq > 2",
                    arguments: [organization])
                try db.execute(
                    sql: """
                        UPDATE audit_heads SET seq = 2,
                            hash = (SELECT hash FROM audit_events WHERE organization_id = ? AND seq = 2)
                        WHERE organization_id = ?
                        """, arguments: [organization, organization])
            }
            try queue.close()
            try await withIdentity(dataDirectory: directory.path) { harness in
                harness.clock.advance(seconds: 300)  // past the steps the first run's clock used
                let login = try await harness.signIn(
                    organization: organization, email: "admin@stigen.se", totpSecret: secret)
                let verify = try await harness.identity.verifyAuditChain(
                    .with { $0.checkpoint = checkpoint },
                    options: IdentityHarness.auth(login.tokens.accessToken))
                #expect(!verify.intact)
                // The logins since appended new events after event 2: the checkpoint's event is
                // either missing or different.
                #expect(verify.firstBrokenSequence >= 3)
                #expect(
                    verify.problem.hasSuffix("differs from the checkpoint")
                        || verify.problem.hasSuffix("before the checkpoint at \(checkpoint.sequence)"),
                    "\(verify.problem)")
            }
        }
    }
}
