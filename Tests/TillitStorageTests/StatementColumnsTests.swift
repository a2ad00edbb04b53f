import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

/// `cachedFirst` / `cachedAll`: rows decoded by index straight from the statement.
@Suite(.timeLimit(.minutes(1)))
struct StatementColumnsTests {
    @Test func nullIsNilAndAValueIsItsValue() async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            try await database.reader.read { db in
                let values = try #require(
                    try db.cachedFirst(sql: "SELECT NULL, 'text', 42, x'00ff', NULL, 'å'") { row in
                        (
                            row.nullable(0) as String?, row.nullable(1) as String?, row.nullable(2) as Int64?,
                            row.nullable(3) as Data?, row.nullable(4) as Int64?, try row.value(5) as String,
                            try row.value(2) as Int
                        )
                    })
                #expect(values.0 == nil)
                #expect(values.1 == "text")
                #expect(values.2 == 42)
                #expect(values.3 == Data([0x00, 0xFF]))
                #expect(values.4 == nil)
                #expect(values.5 == "å")
                #expect(values.6 == 42)
            }
        }
    }

    @Test func aNullWhereAValueMustBeIsACorruptValue() async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            try await database.reader.read { db in
                let error = #expect(throws: StorageError.self) {
                    try db.cachedFirst(sql: "SELECT 1, NULL") { row in try row.value(1) as String }
                }
                #expect(error?.code == .corruptValue)
                // The statement is usable again right away.
                let again = try db.cachedFirst(sql: "SELECT 1, NULL") { row in try row.value(0) as Int64 }
                #expect(again == 1)
            }
        }
    }

    @Test func allRowsInOrderAndArgumentsBound() async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            try await database.writer.write { db in
                for payload in ["a", "b", "c", "d"] {
                    try db.execute(sql: "INSERT INTO events (payload) VALUES (?)", arguments: [payload])
                }
                let sql = "SELECT id, payload FROM events WHERE payload != ? ORDER BY id"
                let rows = try db.cachedAll(sql: sql, arguments: ["b"]) { row in
                    (try row.value(0) as Int64, try row.value(1) as String)
                }
                #expect(rows.map(\.1) == ["a", "c", "d"])
                #expect(rows.map(\.0) == [1, 3, 4])
                #expect(
                    try db.cachedAll(sql: sql, arguments: ["a"]) { try $0.value(1) as String } == [
                        "b", "c", "d",
                    ])
                #expect(
                    try db.cachedAll(sql: sql + " LIMIT 0", arguments: ["a"]) { try $0.value(1) as String }
                        .isEmpty)
                #expect(try db.cachedFirst(sql: sql, arguments: ["a"]) { try $0.value(1) as String } == "b")
                #expect(
                    try db.cachedFirst(sql: "SELECT payload FROM events WHERE id = ?", arguments: [99]) {
                        try $0.value(0) as String
                    } == nil)
            }
        }
    }

    @Test func wrongArgumentsThrowInsteadOfRunning() async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            try await database.reader.read { db in
                #expect(throws: DatabaseError.self) {
                    try db.cachedFirst(sql: "SELECT ? + ?", arguments: [1]) { try $0.value(0) as Int64 }
                }
                let sum = try db.cachedFirst(sql: "SELECT ? + ?", arguments: [1, 2]) {
                    try $0.value(0) as Int64
                }
                #expect(sum == 3)
            }
        }
    }

    /// A first row taken from many, or a decoder that throws half-way, leaves no statement
    /// running: SQLite refuses to drop a table while a statement still reads it.
    @Test func anUnfinishedReadLeavesNoStatementRunning() async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            try Fixtures.insertEvents(3, into: database)
            try await database.writer.write { db in
                let first = try db.cachedFirst(sql: "SELECT payload FROM events ORDER BY id") {
                    try $0.value(0) as String
                }
                #expect(first == "event")
                var decoded = 0
                #expect(throws: StorageError.self) {
                    try db.cachedAll(
                        sql: "SELECT id, CASE WHEN id = 2 THEN NULL ELSE payload END FROM events"
                    ) {
                        row in
                        decoded += 1
                        return try row.value(1) as String
                    }
                }
                #expect(decoded == 2)
                try db.execute(sql: "DROP TABLE events")
            }
        }
    }
}
