import Foundation
import GRDB
import TillitServiceKit

extension BookingStore {
    /// Free slots of `sessionTypeID` starting in `range` for the availability passing `filter`
    /// (active practitioners at active locations), in `SlotKey` order after `after`, at most
    /// `limit` — found in one snapshot, a day at a time, so the first page reads only the held
    /// time of its first days (each an indexed range read; docs/booking.md and the EXPLAIN
    /// QUERY PLAN test). NOT_FOUND unless the session type is active. `ignoring` is an
    /// appointment being moved, whose own time does not count as taken.
    func findSlots(
        sessionTypeID: String, filter: SlotFilter, range: Range<Int64>, earliestStart: Int64, after: SlotKey?,
        limit: Int, ignoring: String? = nil, for caller: Caller
    ) async throws -> (sessionType: SessionTypeRecord, slots: [FoundSlot]) {
        try await read { db in
            let organization = caller.organization
            guard let sessionType = try sessionType(db, sessionTypeID, organization: organization), sessionType.active
            else { throw ServiceError.notFound("session type") }
            let sets = try availability(db, offering: sessionType, filter: filter, organization: organization)
            guard !sets.isEmpty else { return (sessionType, []) }
            let practitioners = Array(Set(sets.map(\.practitionerID))).sorted()
            let exceptions = try exceptions(
                db, organization: organization, practitioners: practitioners, overlapping: range)
            let held = sessionType.durationMillis + sessionType.bufferMillis
            var found: [FoundSlot] = []
            var chunkStart = max(range.lowerBound, after?.startsAt ?? range.lowerBound, min(earliestStart, range.upperBound))
            while chunkStart < range.upperBound, found.count < limit {
                let chunkEnd = min(range.upperBound, chunkStart + 86_400_000)
                var busy = try heldTime(
                    db, organization: organization, practitioners: practitioners,
                    range: chunkStart..<(chunkEnd + held))
                if let ignoring {
                    for key in busy.keys { busy[key]?.removeAll { $0.appointmentID == ignoring } }
                }
                var finder = SlotFinder(sessionType: sessionType, during: chunkStart..<chunkEnd, earliestStart: earliestStart)
                found += finder.slots(
                    availability: sets, exceptions: exceptions, busy: busy, after: after, limit: limit - found.count)
                chunkStart = chunkEnd
            }
            return (sessionType, found)
        }
    }

    /// The availability sets offering `sessionType` whose practitioner and location pass `filter`.
    private func availability(
        _ db: Database, offering sessionType: SessionTypeRecord, filter: SlotFilter, organization: String
    ) throws -> [AvailabilityRecord] {
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
        guard !practitioners.isEmpty else { return [] }
        return try availabilitySets(db, organization: organization, practitioners: practitioners).filter {
            keys.contains($0.practitionerID + "/" + $0.locationID) && $0.offers(sessionType.id)
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
