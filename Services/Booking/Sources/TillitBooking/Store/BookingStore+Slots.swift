import Foundation
import GRDB
import TillitServiceKit

extension BookingStore {
    /// The rows a slot search of `sessionTypeID` over `range` needs, in one snapshot: the
    /// session type (NOT_FOUND unless active), the availability sets passing `filter` (active
    /// practitioners at active locations), their exceptions and held time — each an indexed
    /// range read (docs/booking.md, and the EXPLAIN QUERY PLAN test).
    func slotSearchInputs(sessionTypeID: String, filter: SlotFilter, range: Range<Int64>, for caller: Caller)
        async throws -> SlotSearchInputs
    {
        try await read { db in
            let organization = caller.organization
            guard let sessionType = try sessionType(db, sessionTypeID, organization: organization), sessionType.active
            else { throw ServiceError.notFound("session type") }
            var sql = """
                SELECT a.practitioner_id, a.location_id FROM availability a
                JOIN practitioners p ON p.organization_id = a.organization_id AND p.account_id = a.practitioner_id
                JOIN locations l ON l.organization_id = a.organization_id AND l.id = a.location_id
                WHERE a.organization_id = ? AND p.active = 1 AND l.active = 1
                """
            var arguments: StatementArguments = [organization]
            if !filter.practitioners.isEmpty {
                sql += " AND a.practitioner_id IN (\(databaseQuestionMarks(count: filter.practitioners.count)))"
                arguments += StatementArguments(filter.practitioners)
            }
            if !filter.locations.isEmpty {
                sql += " AND a.location_id IN (\(databaseQuestionMarks(count: filter.locations.count)))"
                arguments += StatementArguments(filter.locations)
            }
            if !filter.city.isEmpty {
                sql += " AND lower(l.city) = lower(?)"
                arguments += [filter.city]
            }
            if !filter.language.isEmpty {
                sql += " AND instr(p.languages, ?) > 0"
                arguments += [",\(filter.language),"]
            }
            if !filter.discipline.isEmpty {
                sql += " AND p.discipline = ?"
                arguments += [filter.discipline.lowercased()]
            }
            let keys = Set(
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0[0] as String) + "/" + ($0[1] as String) })
            let practitioners = Array(Set(keys.map { String($0.prefix(36)) })).sorted()
            guard !practitioners.isEmpty else {
                return SlotSearchInputs(sessionType: sessionType, availability: [], exceptions: [:], busy: [:])
            }
            let sets = try availabilitySets(db, organization: organization, practitioners: practitioners).filter {
                keys.contains($0.practitionerID + "/" + $0.locationID) && $0.offers(sessionType.id)
            }
            let exceptions = try exceptions(
                db, organization: organization, practitioners: practitioners, overlapping: range)
            let busy = try heldTime(
                db, organization: organization, practitioners: practitioners,
                range: range.lowerBound..<(range.upperBound + sessionType.durationMillis + sessionType.bufferMillis))
            return SlotSearchInputs(sessionType: sessionType, availability: sets, exceptions: exceptions, busy: busy)
        }
    }

    /// Time held by appointments of `practitioners` that could overlap `range`, by start.
    func heldTime(_ db: Database, organization: String, practitioners: [String], range: Range<Int64>) throws
        -> [String: [BusyTime]]
    {
        let rows = try Row.fetchAll(
            db,
            sql: BookingQueries.heldTime(practitioners: practitioners.count),
            arguments: [organization] + StatementArguments(practitioners)
                + [range.lowerBound - BookingSchema.longestHeldMillis, range.upperBound])
        var result: [String: [BusyTime]] = [:]
        for row in rows {
            result[row[0], default: []].append(
                BusyTime(
                    appointmentID: row[7], startsAt: row[1], endsAt: row[2], blockedUntil: row[3],
                    sessionTypeID: row[4], locationID: row[5], capacity: row[6]))
        }
        return result
    }
}
