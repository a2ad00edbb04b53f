import Foundation
import GRDB
import Testing
import TillitBooking
import TillitServiceKit
import TillitStorage
import TillitTesting

/// The hot queries are index range searches, never full scans, so slot search stays fast as
/// appointments accumulate (the benchmark measures it; this pins the plans).
@Suite(.timeLimit(.minutes(1)))
struct QueryPlanTests {
    private func plan(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
            $0["detail"] as String
        }
    }

    @Test func hotQueriesSearchIndexesAndScanNothing() async throws {
        try await withTestDatabase(migrations: BookingSchema.migrations(auditKeys: .random())) { database in
            try await database.reader.read { db in
                let org = "o"
                let three: StatementArguments = ["a", "b", "c"]
                let cases: [(String, String, StatementArguments, String)] = [
                    (
                        "held time", BookingQueries.heldTime, [org, "a", 0, 1, org, "x"],
                        "appointments_held_by_practitioner"
                    ),
                    (
                        "exceptions", BookingQueries.exceptions(practitioners: 3), [org] + three + [0, 1, 0],
                        "availability_exceptions_by_time"
                    ),
                    (
                        "overlap trigger", BookingQueries.practitionerOverlap, [org, "a", 0, 1, 0],
                        "appointments_held_by_practitioner"
                    ),
                    (
                        "a practitioner's appointments", BookingQueries.practitionerAppointments,
                        [org, "a", 0, 1], "appointments_by_practitioner"
                    ),
                    ("due check-ins", BookingQueries.dueCheckIns, [org, "a", 0], "check_ins_due"),
                ]
                for (name, sql, arguments, index) in cases {
                    let details = try plan(db, sql, arguments)
                    #expect(
                        details.contains { $0.contains("SEARCH") && $0.contains(index) },
                        "\(name): \(details)")
                    #expect(!details.contains { $0.hasPrefix("SCAN") }, "\(name): \(details)")
                }
            }
        }
    }
}
