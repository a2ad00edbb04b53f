import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@Suite(.timeLimit(.minutes(1)))
struct RowNullableTests {
    @Test func nullIsNilAndAValueIsItsValue() async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            try await database.reader.read { db in
                let row = try #require(
                    try Row.fetchOne(db, sql: "SELECT NULL, 'text', 42, x'00ff', NULL", arguments: []))
                #expect((row.nullable(0) as String?) == nil)
                #expect((row.nullable(1) as String?) == "text")
                #expect((row.nullable(2) as Int64?) == 42)
                #expect((row.nullable(3) as Data?) == Data([0x00, 0xFF]))
                #expect((row.nullable(4) as Int64?) == nil)
            }
        }
    }
}
