import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// Free slots of `sessionTypeID` starting in `range` for the availability passing `filter`
    /// (active practitioners at active locations), in `SlotKey` order after `after`, at most
    /// `limit` — found in one snapshot, a day first and then spans twice as long, so the first
    /// page reads only the held time of its first days (each an indexed range read; docs/booking.md and the EXPLAIN
    /// QUERY PLAN test). NOT_FOUND unless the session type is active. `ignoring` is an
    /// appointment being moved, whose own time does not count as taken.
    func findSlots(
        sessionTypeID: String, filter: SlotFilter, range: Range<Int64>, earliestStart: Int64, after: SlotKey?,
        limit: Int, ignoring: String? = nil, for caller: Caller
    ) async throws -> (sessionType: SessionTypeRecord, slots: [FoundSlot]) {
        try await read { db in
            try slots(
                db, sessionTypeID: sessionTypeID, filter: filter, range: range, earliestStart: earliestStart,
                after: after, limit: limit, ignoring: ignoring, for: caller)
        }
    }

    /// `findSlots` inside a transaction the caller holds.
    func slots(
        _ db: Database, sessionTypeID: String, filter: SlotFilter, range: Range<Int64>, earliestStart: Int64,
        after: SlotKey?, limit: Int, ignoring: String? = nil, for caller: Caller
    ) throws -> (sessionType: SessionTypeRecord, slots: [FoundSlot]) {
        let organization = caller.organization
        guard let sessionType = try sessionType(db, sessionTypeID, organization: organization),
            sessionType.active
        else { throw ServiceError.notFound("session type") }
        let sets = try availability(db, offering: sessionType, filter: filter, organization: organization)
        guard !sets.isEmpty else { return (sessionType, []) }
        let practitioners = Array(Set(sets.map(\.practitionerID))).sorted()
        let exceptions = try exceptions(
            db, organization: organization, practitioners: practitioners, overlapping: range)
        let held = sessionType.durationMillis + sessionType.bufferMillis
        var found: [FoundSlot] = []
        var chunkStart = max(
            range.lowerBound, after?.startsAt ?? range.lowerBound, min(earliestStart, range.upperBound))
        // A day first (a page usually fills there), then twice as long each round.
        var span: Int64 = 86_400_000
        while chunkStart < range.upperBound, found.count < limit {
            let chunkEnd = min(range.upperBound, chunkStart + span)
            span *= 2
            let busy = try heldTime(
                db, organization: organization, practitioners: practitioners,
                range: chunkStart..<(chunkEnd + held), ignoring: ignoring)
            var finder = SlotFinder(
                sessionType: sessionType, during: chunkStart..<chunkEnd, earliestStart: earliestStart)
            found += finder.slots(
                availability: sets, exceptions: exceptions, busy: busy, after: after,
                limit: limit - found.count)
            chunkStart = chunkEnd
        }
        return (sessionType, found)
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
            try db.cachedRows(sql: sql, arguments: arguments).map {
                ($0[0] as String) + "/" + ($0[1] as String)
            })
        let practitioners = Array(Set(keys.map { String($0.prefix(36)) })).sorted()
        guard !practitioners.isEmpty else { return [] }
        return try availabilitySets(db, organization: organization, practitioners: practitioners).filter {
            keys.contains($0.practitionerID + "/" + $0.locationID) && $0.offers(sessionType.id)
        }
    }

    /// Time held by appointments of `practitioners` (other than `ignoring`) that could overlap
    /// `range`, by start: one cached statement per practitioner reading integers (the place and
    /// type only of group sessions, where they decide whether a place can be joined).
    func heldTime(
        _ db: Database, organization: String, practitioners: [String], range: Range<Int64>,
        ignoring: String? = nil
    ) throws -> [String: [BusyTime]] {
        let statement = try db.cachedStatement(sql: BookingQueries.heldTime)
        var result: [String: [BusyTime]] = [:]
        for practitioner in practitioners {
            let rows = try Row.fetchCursor(
                statement,
                arguments: [
                    organization, practitioner, range.lowerBound - BookingSchema.longestHeldMillis,
                    range.upperBound, organization, ignoring,
                ])
            var held: [BusyTime] = []
            while let row = try rows.next() {
                let capacity: Int = row[3]
                held.append(
                    BusyTime(
                        startsAt: row[0], endsAt: row[1], blockedUntil: row[2],
                        sessionTypeID: capacity > 1 ? row[4] : "", locationID: capacity > 1 ? row[5] : "",
                        capacity: capacity))
            }
            if !held.isEmpty { result[practitioner] = held }
        }
        return result
    }
}
