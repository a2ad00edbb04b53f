import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// Puts a client on the waitlist.
    func joinWaitlist(_ record: WaitlistRecord, by caller: Caller) async throws -> WaitlistRecord {
        var stored = record
        stored.id = Self.newID()
        stored.status = .waiting
        stored.joinedAt = nowMillis
        let value = stored
        return try await write { db in
            guard try sessionType(db, value.sessionTypeID, organization: caller.organization)?.active == true
            else {
                throw ServiceError.notFound("session type")
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO waitlist_entries (organization_id, id, client_id, practitioner_id, session_type_id,
                        window_start, window_end, status, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?)
                    """,
                arguments: [
                    caller.organization, value.id, value.clientID, value.practitionerID, value.sessionTypeID,
                    value.window.lowerBound, value.window.upperBound, value.joinedAt,
                ])
            try audit(db, AuditEvent("waitlist.join", subject: value.id, client: value.clientID), by: caller)
            return value
        }
    }

    /// Takes a waiting or offered entry off the waitlist (an open offer passes on).
    func leaveWaitlist(_ id: String, by caller: Caller, may: @escaping @Sendable (WaitlistRecord) -> Bool)
        async throws -> WaitlistRecord
    {
        let now = nowMillis
        return try await write { db in
            var record = try waitlistEntry(db, id, organization: caller.organization, visible: may)
            guard record.status == .waiting || record.status == .offered else {
                throw ServiceError.failedPrecondition("the entry is \(record.status.rawValue)")
            }
            let wasOffered = record.status == .offered
            record.status = .left
            try db.cachedExecute(
                sql: "UPDATE waitlist_entries SET status = 'left' WHERE organization_id = ? AND id = ?",
                arguments: [caller.organization, id])
            try audit(db, AuditEvent("waitlist.leave", subject: id, client: record.clientID), by: caller)
            if wasOffered {
                try passOffer(
                    db, record, organization: caller.organization, now: now, actor: AuditActor(caller))
            }
            return record
        }
    }

    /// Books the slot offered to the entry (committed with the other bookings waiting);
    /// FAILED_PRECONDITION when the offer expired or the time was taken meanwhile.
    func acceptOffer(_ id: String, by caller: Caller, may: @escaping @Sendable (WaitlistRecord) -> Bool)
        async throws -> (entry: WaitlistRecord, appointment: AppointmentRecord)
    {
        let now = nowMillis
        let appointmentID = Self.newID()
        return try await groupWrite { db in
            var record = try waitlistEntry(db, id, organization: caller.organization, visible: may)
            guard record.status == .offered, let start = record.offeredStart,
                let practitioner = record.offeredPractitionerID,
                let location = record.offeredLocationID, let expires = record.offerExpiresAt
            else {
                throw ServiceError.failedPrecondition(
                    "the entry has no open offer (it is \(record.status.rawValue))")
            }
            guard now < expires else { throw ServiceError.failedPrecondition("the offer has expired") }
            guard let type = try sessionType(db, record.sessionTypeID, organization: caller.organization)
            else {
                throw ServiceError.notFound("session type")
            }
            let appointment = try insertAppointment(
                db,
                NewAppointment(
                    practitionerID: practitioner, clientID: record.clientID, sessionType: type,
                    locationID: location,
                    startsAt: start),
                id: appointmentID, rescheduledFrom: nil, now: now, by: caller)
            record.status = .booked
            record.appointmentID = appointmentID
            try db.cachedExecute(
                sql:
                    "UPDATE waitlist_entries SET status = 'booked', appointment_id = ? WHERE organization_id = ? AND id = ?",
                arguments: [appointmentID, caller.organization, id])
            try audit(
                db,
                AuditEvent(
                    "waitlist.book", subject: appointmentID, client: record.clientID, detail: "entry \(id)"),
                by: caller)
            return (record, appointment)
        }
    }

    /// Entries of the organisation (of `client` only, when given), oldest first, after the page key.
    func waitlist(
        client: String?, status: WaitlistRecord.Status?, after: (Int64, String)?, limit: Int,
        for caller: Caller
    ) async throws -> [WaitlistRecord] {
        try await read { db in
            var sql = "SELECT \(Self.waitlistColumns) FROM waitlist_entries WHERE organization_id = ?"
            var arguments: StatementArguments = [caller.organization]
            if let client {
                sql += " AND client_id = ?"
                arguments += [client]
            }
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let after {
                sql += " AND (joined_at, id) > (?, ?)"
                arguments += [after.0, after.1]
            }
            sql += " ORDER BY joined_at, id LIMIT ?"
            arguments += [limit]
            return try db.cachedRows(sql: sql, arguments: arguments).map(Self.waitlistEntry)
        }
    }

    /// Expires every offer past its time and passes each slot to the next matching entry (the
    /// housekeeping service, no user behind it). Returns how many offers expired.
    @discardableResult
    func expireWaitlistOffers() async throws -> Int {
        let now = nowMillis
        return try await write { db in
            let due = try db.cachedRows(
                sql: """
                    SELECT \(Self.waitlistColumns), organization_id FROM waitlist_entries
                    WHERE status = 'offered' AND offer_expires_at <= ? ORDER BY offer_expires_at
                    """,
                arguments: [now])
            for row in due {
                let organization: String = row[13]
                let record = try Self.waitlistEntry(row)
                try db.cachedExecute(
                    sql:
                        "UPDATE waitlist_entries SET status = 'expired' WHERE organization_id = ? AND id = ?",
                    arguments: [organization, record.id])
                let actor = AuditActor(
                    organization: organization, actor: nil, via: ServiceName.booking.rawValue,
                    requestID: "waitlist-expiry")
                try audit.append(
                    AuditEvent("waitlist.offer.expire", subject: record.id, client: record.clientID),
                    by: actor, at: now,
                    db: db)
                try passOffer(db, record, organization: organization, now: now, actor: actor)
            }
            return due.count
        }
    }

    /// Offers the time `freed` held to the earliest waiting entry it suits, in the caller's
    /// transaction (a cancellation or a move).
    func offerFreedSlot(
        _ db: Database, _ freed: AppointmentRecord, organization: String, now: Int64, actor: AuditActor
    )
        throws
    {
        guard freed.startsAt > now else { return }
        try offer(
            db, practitioner: freed.practitionerID, location: freed.locationID, start: freed.startsAt,
            sessionType: freed.sessionTypeID, excluding: freed.clientID, organization: organization, now: now,
            actor: actor)
    }

    /// Offers the slot of an expired or abandoned offer to the next entry, if still free.
    private func passOffer(
        _ db: Database, _ record: WaitlistRecord, organization: String, now: Int64, actor: AuditActor
    )
        throws
    {
        guard let practitioner = record.offeredPractitionerID, let location = record.offeredLocationID,
            let start = record.offeredStart, start > now,
            let type = try sessionType(db, record.sessionTypeID, organization: organization)
        else { return }
        let taken =
            try db.cachedValue(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM appointments WHERE organization_id = ? AND practitioner_id = ?
                        AND starts_at > ? AND starts_at < ? AND blocked_until > ? AND status IN ('booked', 'attended', 'no_show'))
                    """,
                arguments: [
                    organization, practitioner, start - BookingSchema.longestHeldMillis,
                    start + type.durationMillis + type.bufferMillis, start,
                ]) ?? true
        guard !taken else { return }
        try offer(
            db, practitioner: practitioner, location: location, start: start,
            sessionType: record.sessionTypeID,
            excluding: nil, organization: organization, now: now, actor: actor)
    }

    private func offer(
        _ db: Database, practitioner: String, location: String, start: Int64, sessionType: String,
        excluding: String?,
        organization: String, now: Int64, actor: AuditActor
    ) throws {
        guard
            let entry = try db.cachedValue(
                String.self,
                sql: """
                    SELECT id FROM waitlist_entries
                    WHERE organization_id = ? AND session_type_id = ? AND status = 'waiting'
                      AND window_start <= ? AND window_end > ? AND (practitioner_id IS NULL OR practitioner_id = ?)
                      AND client_id IS NOT ?
                      AND NOT EXISTS (SELECT 1 FROM waitlist_entries o WHERE o.organization_id = ?
                          AND o.status = 'offered' AND o.offered_practitioner_id = ? AND o.offered_start = ?)
                    ORDER BY joined_at, rowid LIMIT 1
                    """,
                arguments: [
                    organization, sessionType, start, start, practitioner, excluding, organization,
                    practitioner, start,
                ])
        else { return }
        let expires = now + waitlistOfferMillis
        try db.cachedExecute(
            sql: """
                UPDATE waitlist_entries SET status = 'offered', offered_practitioner_id = ?, offered_location_id = ?,
                    offered_start = ?, offer_expires_at = ? WHERE organization_id = ? AND id = ?
                """,
            arguments: [practitioner, location, start, expires, organization, entry])
        try audit.append(
            AuditEvent(
                "waitlist.offer", subject: entry,
                detail: "practitioner \(practitioner) at \(start) until \(expires)"),
            by: actor, at: now, db: db)
    }

    private func waitlistEntry(
        _ db: Database, _ id: String, organization: String, visible: (WaitlistRecord) -> Bool
    ) throws -> WaitlistRecord {
        guard
            let record = try db.cachedRow(
                sql:
                    "SELECT \(Self.waitlistColumns) FROM waitlist_entries WHERE organization_id = ? AND id = ?",
                arguments: [organization, id]
            ).map(Self.waitlistEntry), visible(record)
        else { throw ServiceError.notFound("waitlist entry") }
        return record
    }

    private static let waitlistColumns = """
        id, client_id, practitioner_id, session_type_id, window_start, window_end, status, joined_at,
        offered_practitioner_id, offered_location_id, offered_start, offer_expires_at, appointment_id
        """

    private static func waitlistEntry(_ row: Row) throws -> WaitlistRecord {
        guard let status = WaitlistRecord.Status(rawValue: row[6]) else {
            throw BookingStoreError.corrupt("waitlist_entries.status")
        }
        let start: Int64 = row[4]
        let end: Int64 = row[5]
        return WaitlistRecord(
            id: row[0], clientID: row[1], practitionerID: row[2], sessionTypeID: row[3], window: start..<end,
            status: status, joinedAt: row[7], offeredPractitionerID: row[8], offeredLocationID: row[9],
            offeredStart: row[10], offerExpiresAt: row[11], appointmentID: row[12])
    }
}
