import Foundation
import GRDB
import Logging
import Testing
import TillitIdentity
import TillitServiceKit
import TillitTesting

/// A migrated Identity database in a fresh temporary directory, removed afterwards, with a few
/// rows every test needs: two organisations, each with an admin, a practitioner and a client.
struct TestDatabase {
    /// The organisations.
    static let organization = "00000000-0000-4000-8000-000000000001"
    static let otherOrganization = "00000000-0000-4000-8000-000000000002"
    /// Accounts of `organization`.
    static let admin = "00000000-0000-4000-8000-0000000000a1"
    static let practitioner = "00000000-0000-4000-8000-0000000000a2"
    static let client = "00000000-0000-4000-8000-0000000000a3"
    static let service = "00000000-0000-4000-8000-0000000000a4"
    /// Accounts of `otherOrganization`.
    static let otherPractitioner = "00000000-0000-4000-8000-0000000000b2"
    static let otherClient = "00000000-0000-4000-8000-0000000000b3"

    /// The audit keys every test database is sealed with.
    static let auditKeys = AuditKeys.random()

    static let logger = Logger(label: "tillit.identity.tests") { _ in SwiftLogNoOpLogHandler() }

    let directory: URL
    let database: IdentityDatabase

    var path: String { database.database.path }

    /// Opens (and migrates) `identity.db` in `directory`.
    static func open(in directory: URL) throws -> IdentityDatabase {
        try IdentityDatabase.open(
            path: directory.appendingPathComponent("identity.db").path, auditKeys: auditKeys, logger: logger)
    }

    /// Runs `body` with a fresh database holding the fixture rows.
    static func with<Result>(_ body: (TestDatabase) throws -> Result) throws -> Result {
        try withTemporaryDirectory { directory in
            let database = try open(in: directory)
            defer { try? database.close() }
            let test = TestDatabase(directory: directory, database: database)
            try test.insertFixtures()
            return try body(test)
        }
    }

    /// Inserts the organisations and accounts named above.
    func insertFixtures() throws {
        try database.writer.write { db in
            for organization in [Self.organization, Self.otherOrganization] {
                try db.execute(
                    sql: "INSERT INTO organizations (id, name, time_zone, created_at) VALUES (?, ?, ?, 0)",
                    arguments: [organization, "Praktik \(organization.suffix(1))", "Europe/Stockholm"])
            }
            let accounts: [(String, String, String, String?)] = [
                (Self.admin, Self.organization, "staff", "admin@example.se"),
                (Self.practitioner, Self.organization, "staff", "terapeut@example.se"),
                (Self.client, Self.organization, "client", "klient@example.se"),
                (Self.service, Self.organization, "service", nil),
                (Self.otherPractitioner, Self.otherOrganization, "staff", "terapeut@example.se"),
                (Self.otherClient, Self.otherOrganization, "client", nil),
            ]
            for (id, organization, kind, email) in accounts {
                try db.execute(
                    sql: """
                        INSERT INTO accounts (id, organization_id, kind, email, display_name, created_at)
                        VALUES (?, ?, ?, ?, ?, 0)
                        """,
                    arguments: [id, organization, kind, email, "Konto \(id.suffix(2))"])
            }
        }
    }

    /// Runs `sql` in its own write transaction.
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try database.writer.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Expects `sql` to be refused by a constraint or trigger whose message contains `message`
    /// (any constraint failure when nil); the transaction is rolled back.
    func expectRefused(
        _ sql: String, _ arguments: StatementArguments = [], message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            try execute(sql, arguments)
            Issue.record("expected the database to refuse: \(sql)", sourceLocation: sourceLocation)
        } catch let error as DatabaseError {
            #expect(error.resultCode == .SQLITE_CONSTRAINT, "\(error)", sourceLocation: sourceLocation)
            if let message {
                #expect(
                    (error.message ?? "").contains(message), "\(error.message ?? "")",
                    sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// The number of rows `sql` counts.
    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try database.reader.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Appends an audit event with a hash of 32 `fill` bytes, linked to the previous one.
    func appendAuditEvent(seq: Int, previousFill: UInt8?, fill: UInt8) throws {
        let previous = Data(repeating: previousFill ?? 0, count: 32)
        try execute(
            """
            INSERT INTO audit_events (organization_id, seq, at, actor, action, outcome, prev_hash, hash, key_version)
            VALUES (?, ?, 0, ?, 'login', 'success', ?, ?, 1)
            """,
            [Self.organization, seq, Self.admin, previous, Data(repeating: fill, count: 32)])
    }
}
