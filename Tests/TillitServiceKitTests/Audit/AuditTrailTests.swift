import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@testable import TillitServiceKit

/// The shared audit trail on a real SQLite file: appends chain, the schema refuses edits, and
/// `verify` finds every change made behind the triggers' back — including a cut tail.
@Suite(.timeLimit(.minutes(2))) struct AuditTrailTests {
    static let keys = AuditKeys.random()
    static let trail = AuditTrail(keys: keys)
    static let migrations = Migrations(AuditTrail.migrations(keys: keys))
    let practice = AuditActor(
        organization: "org-a", actor: "acct-1", onBehalfOf: "client-9", via: "notes", requestID: "req-1")

    private func appendEvents(_ count: Int, to database: ServiceDatabase, actor: AuditActor? = nil)
        async throws
    {
        let actor = actor ?? practice
        try await database.writer.write { db in
            for index in 0..<count {
                try Self.trail.append(
                    AuditEvent(
                        "note.read", subject: "note-\(index)", client: "client-9", detail: "n=\(index)"),
                    by: actor, at: 1_700_000_000_000 + Int64(index), db: db)
            }
        }
    }

    private func verify(_ database: ServiceDatabase, _ organization: String = "org-a") async throws
        -> AuditVerification
    {
        try await database.reader.read { try Self.trail.verify(organization: organization, db: $0) }
    }

    /// Drops the triggers, as someone editing the file with the sqlite3 shell would.
    private func dropTriggers(_ db: Database) throws {
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
            try db.execute(sql: "DROP TRIGGER \(name)")
        }
    }

    @Test func appendedEventsFormAnIntactChainPerOrganisation() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(5, to: database)
            var other = practice
            other.organization = "org-b"
            try await appendEvents(2, to: database, actor: other)
            let result = try await verify(database)
            #expect(result == AuditVerification(intact: true, checked: 5, firstBroken: 0, problem: ""))
            #expect(try await verify(database, "org-b").checked == 2)
            let listed = try await database.reader.read {
                try AuditTrail.list(AuditQuery(limit: 10), organization: "org-a", db: $0)
            }
            #expect(listed.map(\.sequence) == [5, 4, 3, 2, 1])
            #expect(listed.first?.actor == practice)
            #expect(listed.first?.event.subject == "note-4")
            #expect(listed.last?.previousHash == AuditTrail.genesis)
            #expect(listed[0].previousHash == listed[1].hash)
        }
    }

    @Test func listingFiltersAndPagesByCursor() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(6, to: database)
            try await database.writer.write { db in
                try Self.trail.append(
                    AuditEvent("login", outcome: .failure),
                    by: AuditActor(organization: "org-a", actor: nil, requestID: "r"),
                    at: 1_700_000_000_100, db: db)
            }
            let page = try await database.reader.read {
                try AuditTrail.list(
                    AuditQuery(action: "note.read", before: 5, limit: 2), organization: "org-a", db: $0)
            }
            #expect(page.map(\.sequence) == [4, 3])
            let anonymous = try await database.reader.read {
                try AuditTrail.list(AuditQuery(action: "login"), organization: "org-a", db: $0)
            }
            #expect(anonymous.count == 1)
            #expect(anonymous.first?.actor.actor == nil)
            #expect(anonymous.first?.event.outcome == .failure)
            let byClient = try await database.reader.read {
                try AuditTrail.list(
                    AuditQuery(client: "client-9", from: 1_700_000_000_002, until: 1_700_000_000_004),
                    organization: "org-a", db: $0)
            }
            #expect(byClient.map(\.sequence) == [4, 3])
        }
    }

    /// A client's access log and an actor's events are index searches, not a walk through
    /// every event of the practice.
    @Test func listingByClientOrActorSearchesItsIndex() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(3, to: database)
            let cases: [(AuditQuery, String)] = [
                (AuditQuery(client: "client-9"), "audit_events_by_client"),
                (AuditQuery(client: "client-9", action: "note.read", before: 3), "audit_events_by_client"),
                (AuditQuery(actor: "acct-1", from: 1, until: 2), "audit_events_by_actor"),
            ]
            for (query, index) in cases {
                let (sql, arguments) = AuditTrail.listStatement(query, organization: "org-a")
                let details = try await database.reader.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                        $0["detail"] as String
                    }
                }
                #expect(
                    details.contains { $0.contains("SEARCH") && $0.contains(index) }, "\(query): \(details)")
                #expect(!details.contains { $0.hasPrefix("SCAN") }, "\(query): \(details)")
            }
            let both = try await database.reader.read {
                try AuditTrail.list(
                    AuditQuery(actor: "acct-1", client: "client-9", limit: 2), organization: "org-a", db: $0)
            }
            #expect(both.map(\.sequence) == [3, 2])
            let neither = try await database.reader.read {
                try AuditTrail.list(
                    AuditQuery(actor: "acct-2", client: "client-9"), organization: "org-a", db: $0)
            }
            #expect(neither.isEmpty)
        }
    }

    @Test func theSchemaRefusesEditsDeletionsForgedInsertsAndHeadChanges() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(3, to: database)
            let statements = [
                "UPDATE audit_events SET detail = 'x' WHERE seq = 2",
                "DELETE FROM audit_events WHERE seq = 3",
                """
                INSERT INTO audit_events (organization_id, seq, at, action, outcome, request_id, detail, prev_hash, hash,
                    key_version)
                VALUES ('org-a', 9, 0, 'forged', 'success', '', '', zeroblob(32), zeroblob(32), 1)
                """,
                // An unsealed event that does extend the chain.
                """
                INSERT INTO audit_events (organization_id, seq, at, action, outcome, request_id, detail, prev_hash, hash)
                SELECT 'org-a', 4, 0, 'forged', 'success', '', '', hash, zeroblob(32) FROM audit_heads
                """,
                "UPDATE audit_heads SET seq = 2",
                "DELETE FROM audit_heads",
                "INSERT INTO audit_heads VALUES ('org-z', 1, zeroblob(32))",
            ]
            for sql in statements {
                await #expect(throws: DatabaseError.self, "\(sql)") {
                    try await database.writer.write { try $0.execute(sql: sql) }
                }
            }
            #expect(try await verify(database).intact)
        }
    }

    @Test func anAlteredRowIsFoundAndNamed() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(4, to: database)
            try await database.writer.write { db in
                try dropTriggers(db)
                try db.execute(sql: "UPDATE audit_events SET detail = 'nothing to see' WHERE seq = 3")
            }
            let result = try await verify(database)
            #expect(!result.intact)
            #expect(result.firstBroken == 3)
            #expect(result.problem == "hash mismatch")
        }
    }

    @Test func aDeletedMiddleRowIsAGap() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(4, to: database)
            try await database.writer.write { db in
                try dropTriggers(db)
                try db.execute(sql: "DELETE FROM audit_events WHERE seq = 2")
            }
            let result = try await verify(database)
            #expect(!result.intact)
            #expect(result.firstBroken == 2)
            #expect(result.problem == "gap after 1")
        }
    }

    @Test func aCutTailIsFoundThroughTheAnchoredHead() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(5, to: database)
            try await database.writer.write { db in
                try dropTriggers(db)
                try db.execute(sql: "DELETE FROM audit_events WHERE seq >= 4")
            }
            let result = try await verify(database)
            #expect(!result.intact)
            #expect(result.checked == 3)
            #expect(result.firstBroken == 4)
            #expect(result.problem == "chain ends at 3 but its head is 5")
        }
    }

    @Test func theViaFieldIsHashedOnlyWhenPresent() {
        var actor = practice
        actor.via = nil
        let event = AuditEvent("consent.record", client: "client-9")
        let without = AuditTrail.legacyHash(
            previous: AuditTrail.genesis, sequence: 1, at: 0, actor: actor, event: event)
        actor.via = "booking"
        let with = AuditTrail.legacyHash(
            previous: AuditTrail.genesis, sequence: 1, at: 0, actor: actor, event: event)
        #expect(without != with)
        #expect(without.count == 32)
    }
}
