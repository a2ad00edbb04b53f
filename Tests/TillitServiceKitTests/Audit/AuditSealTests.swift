import Crypto
import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@testable import TillitServiceKit

/// The keyed seal and the checkpoint: someone who can write the SQLite file but does not hold
/// the audit key cannot append, insert or alter events unseen, and cutting the chain back
/// together with its head is found against a checkpoint kept elsewhere.
@Suite(.timeLimit(.minutes(2))) struct AuditSealTests {
    static let keys = AuditKeys.random()
    static let trail = AuditTrail(keys: keys)
    static let migrations = Migrations(AuditTrail.migrations(keys: keys))
    let practice = AuditActor(organization: "org-a", actor: "acct-1", requestID: "req-1")

    private func appendEvents(_ count: Int, to database: ServiceDatabase) async throws {
        try await database.writer.write { [practice] db in
            let first = try Int64.fetchOne(db, sql: "SELECT count(*) FROM audit_events") ?? 0
            for index in first..<(first + Int64(count)) {
                try Self.trail.append(
                    AuditEvent("note.read", subject: "note-\(index)", client: "client-9"),
                    by: practice, at: 1_700_000_000_000 + index, db: db)
            }
        }
    }

    private func verify(
        _ database: ServiceDatabase, trail: AuditTrail = Self.trail, checkpoint: AuditCheckpoint? = nil
    ) async throws -> AuditVerification {
        try await database.reader.read {
            try trail.verify(organization: "org-a", checkpoint: checkpoint, db: $0)
        }
    }

    private func checkpoint(_ database: ServiceDatabase) async throws -> AuditCheckpoint {
        try await database.reader.read { try AuditTrail.checkpoint(organization: "org-a", db: $0) }
    }

    /// Drops every trigger, as someone editing the file with the sqlite3 shell would.
    private static func dropTriggers(_ db: Database) throws {
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
            try db.execute(sql: "DROP TRIGGER \(name)")
        }
    }

    /// Appends a forged event the way an attacker without the key would: linked to the head,
    /// sealed with `seal` (the old unkeyed SHA-256, or an HMAC with a key of their own), head moved
    /// to it.
    private static func forgeAppend(
        _ db: Database, sequence: Int64, key: HMAC<SHA256>?, version: Int = 1
    ) throws {
        let previous =
            try Data.fetchOne(
                db, sql: "SELECT hash FROM audit_events WHERE organization_id = 'org-a' AND seq = ?",
                arguments: [sequence - 1]) ?? AuditTrail.genesis
        let actor = AuditActor(organization: "org-a", actor: "acct-1", requestID: "")
        let event = AuditEvent("consent.record", subject: "forged", client: "client-9")
        let hash =
            key.map {
                AuditTrail.seal(
                    previous: previous, sequence: sequence, at: 1, actor: actor, event: event,
                    keyVersion: version,
                    authenticator: $0)
            }
            ?? AuditTrail.legacyHash(
                previous: previous, sequence: sequence, at: 1, actor: actor, event: event)
        try db.execute(
            sql: """
                INSERT INTO audit_events (organization_id, seq, at, actor, action, outcome, subject, client,
                    request_id, detail, prev_hash, hash, key_version)
                VALUES ('org-a', ?, 1, 'acct-1', 'consent.record', 'success', 'forged', 'client-9', '', '', ?, ?, ?)
                """,
            arguments: [sequence, previous, hash, key == nil ? 0 : version])
        try db.execute(
            sql: "UPDATE audit_heads SET seq = ?, hash = ? WHERE organization_id = 'org-a'",
            arguments: [sequence, hash])
    }

    @Test func anEventForgedWithTheUnkeyedHashIsFound() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(3, to: database)
            try await database.writer.write { db in
                try Self.dropTriggers(db)
                try Self.forgeAppend(db, sequence: 4, key: nil)
            }
            let result = try await verify(database)
            #expect(!result.intact)
            #expect(result.firstBroken == 4)
            #expect(result.problem == "event is not sealed with a key")
        }
    }

    @Test func anEventSealedWithAnotherKeyIsFound() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(3, to: database)
            try await database.writer.write { db in
                try Self.dropTriggers(db)
                try Self.forgeAppend(db, sequence: 4, key: HMAC<SHA256>(key: SymmetricKey(size: .bits256)))
            }
            let result = try await verify(database)
            #expect(!result.intact)
            #expect(result.firstBroken == 4)
            #expect(result.problem == "hash mismatch")
        }
    }

    @Test func anEventInsertedInTheMiddleIsFound() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(4, to: database)
            try await database.writer.write { db in
                try Self.dropTriggers(db)
                // Make room after event 2 and forge a linked event 3; later events keep their
                // links, which now point at the forged one's predecessor.
                try db.execute(sql: "UPDATE audit_events SET seq = seq + 10 WHERE seq >= 3")
                try db.execute(sql: "UPDATE audit_events SET seq = seq - 9 WHERE seq >= 13")
                try Self.forgeAppend(db, sequence: 3, key: HMAC<SHA256>(key: SymmetricKey(size: .bits256)))
                try db.execute(sql: "UPDATE audit_heads SET seq = 5")
            }
            let result = try await verify(database)
            #expect(!result.intact)
            #expect(result.firstBroken == 3)
        }
    }

    @Test func aVersionTheServiceDoesNotHoldIsNamed() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(2, to: database)
            try await database.writer.write { db in
                try Self.dropTriggers(db)
                try Self.forgeAppend(
                    db, sequence: 3, key: HMAC<SHA256>(key: SymmetricKey(size: .bits256)), version: 7)
            }
            let result = try await verify(database)
            #expect(result.firstBroken == 3)
            #expect(result.problem == "sealed with audit key version 7, which this service does not hold")
        }
    }

    @Test func anotherKeyRingFindsTheChainBrokenAtItsFirstEvent() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(3, to: database)
            let result = try await verify(database, trail: AuditTrail(keys: .random()))
            #expect(!result.intact)
            #expect(result.firstBroken == 1)
            #expect(result.problem == "hash mismatch")
        }
    }

    @Test func rotatedKeysKeepOldEventsVerifiable() async throws {
        let old = Data(repeating: 1, count: 32)
        let new = Data(repeating: 2, count: 32)
        let first = AuditTrail(keys: try AuditKeys(keys: [1: old]))
        let rotated = AuditTrail(keys: try AuditKeys(keys: [1: old, 2: new], currentVersion: 2))
        try await withTestDatabase(migrations: Migrations(AuditTrail.migrations(keys: first.keys))) {
            database in
            try await database.writer.write { [practice] db in
                try first.append(AuditEvent("login"), by: practice, at: 1, db: db)
                try rotated.append(AuditEvent("login"), by: practice, at: 2, db: db)
            }
            let versions = try await database.reader.read {
                try Int.fetchAll($0, sql: "SELECT key_version FROM audit_events ORDER BY seq")
            }
            #expect(versions == [1, 2])
            #expect(try await verify(database, trail: rotated).intact)
            #expect(
                try await verify(database, trail: first).problem
                    == "sealed with audit key version 2, which this service does not hold")
        }
    }

    @Test func aChainCutBackWithItsHeadIsFoundByTheCheckpoint() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(5, to: database)
            let saved = try await checkpoint(database)
            #expect(saved.sequence == 5)
            #expect(try await verify(database, checkpoint: saved).intact)
            try await database.writer.write { db in
                try Self.dropTriggers(db)
                try db.execute(sql: "DELETE FROM audit_events WHERE seq >= 4")
                try db.execute(
                    sql:
                        "UPDATE audit_heads SET seq = 3, hash = (SELECT hash FROM audit_events WHERE seq = 3)"
                )
            }
            // Consistent in itself: only the checkpoint kept elsewhere tells.
            #expect(try await verify(database).intact)
            let result = try await verify(database, checkpoint: saved)
            #expect(!result.intact)
            #expect(result.firstBroken == 4)
            #expect(result.problem == "chain ends at 3, before the checkpoint at 5")
        }
    }

    @Test func aChainResealedWithAStolenKeyDiffersFromTheCheckpoint() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            try await appendEvents(3, to: database)
            let saved = try await checkpoint(database)
            try await appendEvents(1, to: database)
            try await database.writer.write { db in
                try Self.dropTriggers(db)
                try db.execute(sql: "DELETE FROM audit_events WHERE seq >= 2")
                try db.execute(
                    sql:
                        "UPDATE audit_heads SET seq = 1, hash = (SELECT hash FROM audit_events WHERE seq = 1)"
                )
            }
            // Rebuilt with the real key from event 2 on: every seal valid, history different.
            try await database.writer.write { db in
                for sequence in Int64(2)...4 {
                    try Self.forgeAppend(db, sequence: sequence, key: Self.keys.current)
                }
            }
            #expect(try await verify(database).intact)
            let result = try await verify(database, checkpoint: saved)
            #expect(!result.intact)
            #expect(result.firstBroken == 3)
            #expect(result.problem == "event 3 differs from the checkpoint")
        }
    }

    @Test func aCheckpointOfAnotherOrganisationOrAnEmptyChainIsHandled() async throws {
        try await withTestDatabase(migrations: Self.migrations) { database in
            let empty = try await checkpoint(database)
            #expect(
                empty
                    == AuditCheckpoint(
                        organization: "org-a", sequence: 0, hash: String(repeating: "0", count: 64)))
            try await appendEvents(2, to: database)
            #expect(try await verify(database, checkpoint: empty).intact)
            var foreign = try await checkpoint(database)
            foreign.organization = "org-b"
            #expect(
                try await verify(database, checkpoint: foreign).problem
                    == "the checkpoint is of another organisation")
        }
    }

    @Test func theUpgradeResealsAnIntactUnkeyedChain() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("audit.db").path
            let logger = quietLogger
            let before = Migrations([
                Migrations.Migration("audit-v1-events", migrate: AuditTrail.createEvents),
                Migrations.Migration("audit-v1-heads", migrate: AuditTrail.createHeads),
            ])
            let old = try ServiceDatabase.open(
                configuration: DatabaseConfiguration(path: path), migrations: before, logger: logger)
            try await old.writer.write { db in
                var previous = AuditTrail.genesis
                for sequence in Int64(1)...3 {
                    let actor = AuditActor(organization: "org-a", actor: "acct-1", requestID: "r")
                    let event = AuditEvent("login", detail: "n=\(sequence)")
                    let hash = AuditTrail.legacyHash(
                        previous: previous, sequence: sequence, at: sequence, actor: actor, event: event)
                    try db.execute(
                        sql: """
                            INSERT INTO audit_events (organization_id, seq, at, actor, action, outcome, request_id,
                                detail, prev_hash, hash)
                            VALUES ('org-a', ?, ?, 'acct-1', 'login', 'success', 'r', ?, ?, ?)
                            """,
                        arguments: [sequence, sequence, "n=\(sequence)", previous, hash])
                    previous = hash
                }
            }
            try old.close()
            let upgraded = try ServiceDatabase.open(
                configuration: DatabaseConfiguration(path: path), migrations: Self.migrations, logger: logger)
            defer { try? upgraded.close() }
            let result = try await verify(upgraded)
            #expect(result == AuditVerification(intact: true, checked: 3, firstBroken: 0, problem: ""))
            // The append-only triggers are back after the reseal.
            await #expect(throws: DatabaseError.self) {
                try await upgraded.writer.write {
                    try $0.execute(sql: "UPDATE audit_events SET detail = 'x'")
                }
            }
            await #expect(throws: DatabaseError.self) {
                try await upgraded.writer.write { try $0.execute(sql: "UPDATE audit_heads SET seq = 1") }
            }
            try await appendEvents(1, to: upgraded)
            #expect(try await verify(upgraded).checked == 4)
        }
    }

    @Test func theUpgradeRefusesToSealABrokenUnkeyedChain() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("audit.db").path
            let logger = quietLogger
            let before = Migrations([
                Migrations.Migration("audit-v1-events", migrate: AuditTrail.createEvents),
                Migrations.Migration("audit-v1-heads", migrate: AuditTrail.createHeads),
            ])
            let old = try ServiceDatabase.open(
                configuration: DatabaseConfiguration(path: path), migrations: before, logger: logger)
            try await old.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO audit_events (organization_id, seq, at, action, outcome, prev_hash, hash)
                        VALUES ('org-a', 1, 1, 'login', 'success', zeroblob(32), randomblob(32))
                        """)
            }
            try old.close()
            #expect(throws: StorageError.self) {
                try ServiceDatabase.open(
                    configuration: DatabaseConfiguration(path: path), migrations: Self.migrations,
                    logger: logger)
            }
        }
    }

    @Test func theSealIsTheDocumentedHMACAndAReusedAuthenticatorStartsAfresh() throws {
        let keyBytes = Data((0..<32).map { UInt8($0) })
        let keys = try AuditKeys(keys: [3: keyBytes])
        let actor = AuditActor(
            organization: "org-a", actor: "acct-1", onBehalfOf: nil, via: "notes", requestID: "req-7")
        let event = AuditEvent("notes.read", subject: "note-1", client: "client-9", detail: "as author")
        let previous = Data(repeating: 0xAB, count: 32)
        // HMAC-SHA-256(key, prev_hash ‖ each field as a big-endian 32-bit length and its UTF-8,
        // absent as 0xFFFFFFFF ‖ the key version), computed here field by field.
        var expected = HMAC<SHA256>(key: SymmetricKey(data: keyBytes))
        expected.update(data: previous)
        for field in [
            "org-a", "42", "1700000000000", "acct-1", nil, "notes.read", "success", "note-1", "client-9",
            "req-7",
            "as author", "notes", "3",
        ] as [String?] {
            guard let field else {
                expected.update(data: [0xFF, 0xFF, 0xFF, 0xFF])
                continue
            }
            let count = UInt32(field.utf8.count)
            expected.update(data: withUnsafeBytes(of: count.bigEndian) { Array($0) } + Array(field.utf8))
        }
        let want = Data(expected.finalize())
        for _ in 0..<2 {
            let sealed = AuditTrail.seal(
                previous: previous, sequence: 42, at: 1_700_000_000_000, actor: actor, event: event,
                keyVersion: keys.currentVersion, authenticator: keys.current)
            #expect(sealed == want)
        }
    }
}
