import Foundation
import GRDB
import Testing
import TillitBooking
import TillitServiceKit
import TillitStorage
import TillitTesting

/// The database itself holds Booking's invariants: raw SQL that bypasses every handler is
/// refused by the schema's triggers and checks.
@Suite(.timeLimit(.minutes(2)))
struct BookingSchemaTests {
    static let organization = "00000000-0000-4000-8000-000000000001"
    static let practitioner = "00000000-0000-4000-8000-0000000000a1"
    static let clients = (1...9).map { "00000000-0000-4000-8000-00000000000\($0)" }
    static let location = "00000000-0000-4000-8000-0000000000b1"
    static let individual = "00000000-0000-4000-8000-0000000000c1"
    static let group = "00000000-0000-4000-8000-0000000000c2"

    private func withSchema(_ body: (ServiceDatabase) async throws -> Void) async throws {
        try await withTestDatabase(migrations: BookingSchema.migrations(auditKeys: .random())) { database in
            try await database.writer.write { db in
                for (id, capacity) in [(Self.individual, 1), (Self.group, 3)] {
                    try db.execute(
                        sql: """
                            INSERT INTO session_types (organization_id, id, name, duration_minutes, buffer_after_minutes,
                                modality, capacity, price_currency, price_minor_units, active, created_at)
                            VALUES (?, ?, ?, 50, 10, 'in_person', ?, 'SEK', 95000, 1, 0)
                            """,
                        arguments: [Self.organization, id, "type \(capacity)", capacity])
                }
            }
            try await body(database)
        }
    }

    /// Inserts an appointment of `minutes` + 10 buffer starting `start` minutes after 0.
    private func insert(
        _ db: Database, start: Int64, minutes: Int64 = 50, client: Int = 0, type: String = individual,
        capacity: Int = 1, id: String = UUID().uuidString.lowercased(), status: String = "booked"
    ) throws {
        let startsAt = start * 60_000
        let endsAt = startsAt + minutes * 60_000
        try db.execute(
            sql: """
                INSERT INTO appointments (organization_id, id, practitioner_id, client_id, session_type_id,
                    location_id, starts_at, ends_at, blocked_until, capacity, modality, price_currency,
                    price_minor_units, status, booked_by, booked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_person', 'SEK', 0, ?, ?, 0)
                """,
            arguments: [
                Self.organization, id, Self.practitioner, Self.clients[client], type, Self.location, startsAt,
                endsAt,
                endsAt + 600_000, capacity, status, Self.clients[client],
            ])
    }

    private func expectRefused(
        _ reason: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("accepted; expected the schema to refuse: \(reason)", sourceLocation: sourceLocation)
        } catch let error as DatabaseError {
            #expect(error.resultCode == .SQLITE_CONSTRAINT, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message?.contains(reason) == true, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func anOverlappingRowIsRefusedAndAnAdjacentOneIsAccepted() async throws {
        try await withSchema { database in
            try await database.writer.write { db in
                try insert(db, start: 600)  // 10:00–10:50, buffer until 11:00
                expectRefused("practitioner overlap") { try insert(db, start: 620, client: 1) }
                expectRefused("practitioner overlap") { try insert(db, start: 559, client: 1) }  // ends inside
                expectRefused("practitioner overlap") { try insert(db, start: 655, client: 1) }  // in the buffer
                expectRefused("practitioner overlap") { try insert(db, start: 590, minutes: 120, client: 1) }
                // Adjacent on both sides: 09:00–09:50 + buffer ends 10:00; 11:00 starts at the buffer's end.
                try insert(db, start: 540, client: 1)
                try insert(db, start: 660, client: 2)
                // A no-show still held its time; an attended one too.
                try insert(db, start: 720, client: 3, status: "no_show")
                expectRefused("practitioner overlap") { try insert(db, start: 730, client: 4) }
            }
        }
    }

    @Test func theClientsOwnOverlapAndAFullGroupAreRefused() async throws {
        try await withSchema { database in
            try await database.writer.write { db in
                try insert(db, start: 600, client: 0, type: Self.group, capacity: 3)
                try insert(db, start: 600, client: 1, type: Self.group, capacity: 3)
                try insert(db, start: 600, client: 2, type: Self.group, capacity: 3)
                expectRefused("group full") {
                    try insert(db, start: 600, client: 3, type: Self.group, capacity: 3)
                }
                // A group place at another start overlaps the group: refused.
                expectRefused("practitioner overlap") {
                    try insert(db, start: 610, client: 4, type: Self.group, capacity: 3)
                }
                // The client has another appointment at the same time (another practitioner's).
                try db.execute(
                    sql: """
                        INSERT INTO appointments (organization_id, id, practitioner_id, client_id, session_type_id,
                            location_id, starts_at, ends_at, blocked_until, capacity, modality, price_currency,
                            price_minor_units, status, booked_by, booked_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'in_person', 'SEK', 0, 'booked', ?, 0)
                        """,
                    arguments: [
                        Self.organization, UUID().uuidString.lowercased(),
                        "00000000-0000-4000-8000-0000000000a2",
                        Self.clients[5], Self.individual, Self.location, 900 * 60_000, 950 * 60_000,
                        960 * 60_000, Self.clients[5],
                    ])
                expectRefused("client overlap") { try insert(db, start: 920, client: 5) }
            }
        }
    }

    @Test func timesNeverChangeRowsAreNeverDeletedAndStatusOnlyLeavesBooked() async throws {
        try await withSchema { database in
            try await database.writer.write { db in
                let id = UUID().uuidString.lowercased()
                try insert(db, start: 600, id: id)
                expectRefused("never change") {
                    try db.execute(
                        sql: "UPDATE appointments SET starts_at = starts_at + 60000 WHERE id = ?",
                        arguments: [id])
                }
                expectRefused("never change") {
                    try db.execute(
                        sql: "UPDATE appointments SET practitioner_id = ? WHERE id = ?",
                        arguments: ["00000000-0000-4000-8000-0000000000a9", id])
                }
                expectRefused("never deleted") {
                    try db.execute(sql: "DELETE FROM appointments WHERE id = ?", arguments: [id])
                }
                try db.execute(
                    sql: "UPDATE appointments SET status = 'cancelled', cancelled_at = 1 WHERE id = ?",
                    arguments: [id])
                expectRefused("status change not allowed") {
                    try db.execute(
                        sql: "UPDATE appointments SET status = 'booked', cancelled_at = NULL WHERE id = ?",
                        arguments: [id])
                }
                // Its time is free again.
                try insert(db, start: 600, client: 1)
            }
        }
    }

    @Test func checksRefuseImpossibleRows() async throws {
        try await withSchema { database in
            try await database.writer.write { db in
                // Zero and huge durations, end before start.
                #expect(throws: DatabaseError.self) { try insert(db, start: 600, minutes: 0) }
                #expect(throws: DatabaseError.self) { try insert(db, start: 600, minutes: 481) }
                #expect(throws: DatabaseError.self) { try insert(db, start: 600, minutes: -50) }
                #expect(throws: DatabaseError.self) { try insert(db, start: 600, status: "tentative") }
                #expect(throws: DatabaseError.self) {
                    try db.execute(
                        sql: """
                            INSERT INTO session_types (organization_id, id, name, duration_minutes, buffer_after_minutes,
                                modality, capacity, price_currency, price_minor_units, active, created_at)
                            VALUES (?, ?, 'zero', 50, 10, 'in_person', 0, 'SEK', 0, 1, 0)
                            """, arguments: [Self.organization, UUID().uuidString.lowercased()])
                }
            }
        }
    }
}
