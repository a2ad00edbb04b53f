import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// Replaces the availability of `record.practitionerID` at `record.locationID`, and the
    /// directory facts slot search filters by (the practitioner's discipline and languages, the
    /// practice's locations and zone, as Identity just answered them), in one transaction.
    /// FAILED_PRECONDITION for an inactive location; NOT_FOUND for an unknown session type.
    func setAvailability(
        _ record: AvailabilityRecord, practitioner: PractitionerFacts, locations: [LocationFacts],
        practiceZone: String, by caller: Caller
    ) async throws -> AvailabilityRecord {
        var stored = record
        stored.updatedAt = nowMillis
        let value = stored
        return try await write { db in
            try refreshDirectory(
                db, practitioner: practitioner, locations: locations, practiceZone: practiceZone,
                organization: caller.organization)
            guard locations.contains(where: { $0.id == value.locationID && $0.active }) else {
                throw ServiceError.failedPrecondition("the location is deactivated")
            }
            for id in value.sessionTypeIDs {
                guard try sessionType(db, id, organization: caller.organization) != nil else {
                    throw ServiceError.notFound("session type \(id)")
                }
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO availability (organization_id, practitioner_id, location_id, time_zone,
                        slot_step_minutes, session_type_ids, updated_at, updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (organization_id, practitioner_id, location_id) DO UPDATE SET
                        time_zone = excluded.time_zone, slot_step_minutes = excluded.slot_step_minutes,
                        session_type_ids = excluded.session_type_ids, updated_at = excluded.updated_at,
                        updated_by = excluded.updated_by
                    """,
                arguments: [
                    caller.organization, value.practitionerID, value.locationID, value.timeZone,
                    value.slotStepMinutes, value.sessionTypeIDs.joined(separator: ","), value.updatedAt,
                    caller.id,
                ])
            try db.cachedExecute(
                sql:
                    "DELETE FROM weekly_rules WHERE organization_id = ? AND practitioner_id = ? AND location_id = ?",
                arguments: [caller.organization, value.practitionerID, value.locationID])
            for rule in value.rules {
                try db.cachedExecute(
                    sql: """
                        INSERT INTO weekly_rules (organization_id, practitioner_id, location_id, weekday,
                            start_minute, end_minute) VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        caller.organization, value.practitionerID, value.locationID, rule.weekday,
                        rule.startMinute,
                        rule.endMinute,
                    ])
            }
            try audit(
                db,
                AuditEvent(
                    "availability.set", subject: value.practitionerID,
                    detail: "location \(value.locationID), \(value.rules.count) rules, \(value.timeZone)"),
                by: caller)
            return value
        }
    }

    /// The availability sets of the practice (or of one practitioner), by practitioner and location.
    func availability(practitioner: String?, for caller: Caller) async throws -> [AvailabilityRecord] {
        try await read { db in
            try availabilitySets(
                db, organization: caller.organization, practitioners: practitioner.map { [$0] })
        }
    }

    /// The availability sets of `organization` (of `practitioners` only, when given) with their rules.
    func availabilitySets(_ db: Database, organization: String, practitioners: [String]?) throws
        -> [AvailabilityRecord]
    {
        var sql = """
            SELECT practitioner_id, location_id, time_zone, session_type_ids, slot_step_minutes, updated_at
            FROM availability WHERE organization_id = ?
            """
        var arguments: StatementArguments = [organization]
        if let practitioners {
            sql += " AND practitioner_id IN (\(databaseQuestionMarks(count: practitioners.count)))"
            arguments += StatementArguments(practitioners)
        }
        sql += " ORDER BY practitioner_id, location_id"
        var sets = try db.cachedRows(sql: sql, arguments: arguments).map { row in
            let types: String = row[3]
            return AvailabilityRecord(
                practitionerID: row[0], locationID: row[1], timeZone: row[2], rules: [],
                sessionTypeIDs: types.isEmpty ? [] : types.split(separator: ",").map(String.init),
                slotStepMinutes: row[4], updatedAt: row[5])
        }
        guard !sets.isEmpty else { return [] }
        var index: [String: Int] = [:]
        for (position, set) in sets.enumerated() {
            index[set.practitionerID + "/" + set.locationID] = position
        }
        var rulesSQL = """
            SELECT practitioner_id, location_id, weekday, start_minute, end_minute FROM weekly_rules
            WHERE organization_id = ?
            """
        var rulesArguments: StatementArguments = [organization]
        if let practitioners {
            rulesSQL += " AND practitioner_id IN (\(databaseQuestionMarks(count: practitioners.count)))"
            rulesArguments += StatementArguments(practitioners)
        }
        rulesSQL += " ORDER BY weekday, start_minute"
        let rules = try db.cachedRows(sql: rulesSQL, arguments: rulesArguments)
        for row in rules {
            let key = (row[0] as String) + "/" + (row[1] as String)
            guard let position = index[key] else { continue }
            sets[position].rules.append(
                WeeklyRuleValue(weekday: row[2], startMinute: row[3], endMinute: row[4]))
        }
        return sets
    }

    /// Stores a new exception (id and creation time set here); NOT_FOUND unless the
    /// practitioner has availability (is known to Booking) and the location is known.
    func addException(_ record: ExceptionRecord, by caller: Caller) async throws -> ExceptionRecord {
        var stored = record
        stored.id = Self.newID()
        stored.createdAt = nowMillis
        let value = stored
        return try await write { db in
            guard
                try db.cachedValue(
                    Bool.self,
                    sql:
                        "SELECT EXISTS (SELECT 1 FROM practitioners WHERE organization_id = ? AND account_id = ?)",
                    arguments: [caller.organization, value.practitionerID]) == true
            else { throw ServiceError.notFound("practitioner with availability") }
            if let location = value.locationID {
                guard
                    try db.cachedValue(
                        Bool.self, sql: "SELECT active FROM locations WHERE organization_id = ? AND id = ?",
                        arguments: [caller.organization, location]) == true
                else { throw ServiceError.notFound("active location") }
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO availability_exceptions (organization_id, id, practitioner_id, kind, starts_at,
                        ends_at, location_id, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, value.id, value.practitionerID, value.kind.rawValue,
                    value.during.lowerBound, value.during.upperBound, value.locationID, value.reason,
                    value.createdAt, caller.id,
                ])
            try audit(
                db,
                AuditEvent(
                    "availability.exception.add", subject: value.practitionerID, detail: value.kind.rawValue),
                by: caller)
            return value
        }
    }

    /// Removes an exception; NOT_FOUND for an unknown id. `mayRemove` decides on the stored row
    /// (the practitioner's own, or staff who manage calendars).
    func removeException(
        _ id: String, by caller: Caller, mayRemove: @escaping @Sendable (ExceptionRecord) -> Bool
    ) async throws {
        try await write { db in
            guard let stored = try exceptions(db, organization: caller.organization, id: id).first else {
                throw ServiceError.notFound("exception")
            }
            guard mayRemove(stored) else { throw ServiceError.denied("not allowed to remove this exception") }
            try db.cachedExecute(
                sql: "DELETE FROM availability_exceptions WHERE organization_id = ? AND id = ?",
                arguments: [caller.organization, id])
            try audit(
                db, AuditEvent("availability.exception.remove", subject: stored.practitionerID, detail: id),
                by: caller)
        }
    }

    /// A practitioner's exceptions overlapping `range`, by start.
    func exceptions(practitioner: String, overlapping range: Range<Int64>, for caller: Caller) async throws
        -> [ExceptionRecord]
    {
        try await read { db in
            try exceptions(
                db, organization: caller.organization, practitioners: [practitioner], overlapping: range)[
                    practitioner] ?? []
        }
    }

    /// Exceptions of `practitioners` overlapping `range`, by practitioner, by start. Exceptions
    /// last at most 366 days, so the index range starts that far before `range`.
    func exceptions(
        _ db: Database, organization: String, practitioners: [String], overlapping range: Range<Int64>
    ) throws -> [String: [ExceptionRecord]] {
        guard !practitioners.isEmpty else { return [:] }
        let rows = try db.cachedRows(
            sql: BookingQueries.exceptions(practitioners: practitioners.count),
            arguments: [organization] + StatementArguments(practitioners)
                + [range.lowerBound - 366 * 86_400_000, range.upperBound, range.lowerBound])
        var result: [String: [ExceptionRecord]] = [:]
        for row in rows {
            let record = try Self.exception(row)
            result[record.practitionerID, default: []].append(record)
        }
        return result
    }

    private func exceptions(_ db: Database, organization: String, id: String) throws -> [ExceptionRecord] {
        try db.cachedRows(
            sql:
                "SELECT \(Self.exceptionColumns) FROM availability_exceptions WHERE organization_id = ? AND id = ?",
            arguments: [organization, id]
        ).map(Self.exception)
    }

    static let exceptionColumns =
        "id, practitioner_id, kind, starts_at, ends_at, location_id, reason, created_at"

    private static func exception(_ row: Row) throws -> ExceptionRecord {
        guard let kind = ExceptionKind(rawValue: row[2]) else {
            throw BookingStoreError.corrupt("availability_exceptions.kind")
        }
        let start: Int64 = row[3]
        let end: Int64 = row[4]
        return ExceptionRecord(
            id: row[0], practitionerID: row[1], kind: kind, during: start..<end, locationID: row[5],
            reason: row[6], createdAt: row[7])
    }

    /// Stores what Identity said about the practitioner, the practice's locations and its zone.
    func refreshDirectory(
        _ db: Database, practitioner: PractitionerFacts, locations: [LocationFacts], practiceZone: String,
        organization: String
    ) throws {
        let now = nowMillis
        try db.cachedExecute(
            sql: """
                INSERT INTO practices (organization_id, time_zone, refreshed_at) VALUES (?, ?, ?)
                ON CONFLICT (organization_id) DO UPDATE SET time_zone = excluded.time_zone,
                    refreshed_at = excluded.refreshed_at
                """,
            arguments: [organization, practiceZone, now])
        let languages =
            practitioner.languages.isEmpty ? "" : "," + practitioner.languages.joined(separator: ",") + ","
        try db.cachedExecute(
            sql: """
                INSERT INTO practitioners (organization_id, account_id, display_name, discipline, languages,
                    active, refreshed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization_id, account_id) DO UPDATE SET display_name = excluded.display_name,
                    discipline = excluded.discipline, languages = excluded.languages, active = excluded.active,
                    refreshed_at = excluded.refreshed_at
                """,
            arguments: [
                organization, practitioner.id, String(practitioner.displayName.prefix(200)),
                String(practitioner.discipline.lowercased().prefix(200)), String(languages.prefix(400)),
                practitioner.bookable, now,
            ])
        for location in locations {
            try db.cachedExecute(
                sql: """
                    INSERT INTO locations (organization_id, id, name, city, active, refreshed_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (organization_id, id) DO UPDATE SET name = excluded.name, city = excluded.city,
                        active = excluded.active, refreshed_at = excluded.refreshed_at
                    """,
                arguments: [
                    organization, location.id, String(location.name.prefix(200)),
                    String(location.city.prefix(200)),
                    location.active, now,
                ])
        }
    }

    /// The practice's zone as last read from Identity, or nil if Booking has not seen it yet.
    func practiceZone(for caller: Caller) async throws -> String? {
        try await read { db in
            try db.cachedValue(
                String.self, sql: "SELECT time_zone FROM practices WHERE organization_id = ?",
                arguments: [caller.organization])
        }
    }
}
