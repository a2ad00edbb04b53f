import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// A booking's checks in one snapshot. With `key`, the appointment the caller's earlier
    /// identical request made (then nothing else is read; ALREADY_EXISTS when the key was used
    /// for another request). Otherwise the session type (NOT_FOUND unless active), the practice's
    /// minimum notice when `withNotice`, and the free slot of `practitioner` at `location` starting
    /// at `start`, counting from `earliest(notice)` (`findSlots`).
    func slotCheck(
        replaying key: IdempotencyKey?, sessionTypeID: String, practitioner: String, location: String,
        start: Int64, withNotice: Bool, earliest: @escaping @Sendable (Int64) -> Int64, ignoring: String?,
        by caller: Caller
    ) async throws -> SlotCheck {
        try await read { db in
            if let key, let earlier = try replayed(db, key, by: caller) { return .replayed(earlier) }
            let notice =
                withNotice
                ? Int64(try policy(db, organization: caller.organization).minimumNoticeMinutes) * 60_000 : 0
            var filter = SlotFilter()
            filter.practitioners = [practitioner]
            filter.locations = [location]
            let (sessionType, found) = try slots(
                db, sessionTypeID: sessionTypeID, filter: filter, range: start..<(start + 1),
                earliestStart: earliest(notice), after: nil, limit: 1, ignoring: ignoring, for: caller)
            return .checked(
                sessionType: sessionType, noticeMillis: notice,
                slot: found.first.flatMap { $0.key.startsAt == start ? $0 : nil })
        }
    }

    /// Books `new` (committed with the other bookings waiting, `groupWrite`): the session type
    /// must still be active; the schema refuses an overlap (FAILED_PRECONDITION). With a key, a
    /// replay of the same request answers the first appointment.
    func book(_ new: NewAppointment, key: IdempotencyKey?, by caller: Caller) async throws
        -> AppointmentRecord
    {
        let id = Self.newID()
        let now = nowMillis
        return try await groupWrite { db in
            if let key, let earlier = try replayed(db, key, by: caller) { return earlier }
            guard try sessionType(db, new.sessionType.id, organization: caller.organization)?.active == true
            else {
                throw ServiceError.notFound("session type")
            }
            let record = try insertAppointment(db, new, id: id, rescheduledFrom: nil, now: now, by: caller)
            if let key {
                try db.cachedExecute(
                    sql: """
                        INSERT INTO booking_requests (organization_id, caller_id, idempotency_key, request_hash,
                            appointment_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [caller.organization, caller.id, key.key, key.requestHash, id, now])
            }
            try audit(
                db,
                AuditEvent(
                    "appointment.book", subject: id, client: new.clientID,
                    detail: "practitioner \(new.practitionerID) at \(new.startsAt)"),
                by: caller)
            return record
        }
    }

    /// Cancels a booked appointment that has not started; late when less than the policy's
    /// window remains. `mayCancel` decides on the stored row (PERMISSION_DENIED otherwise).
    func cancel(
        _ id: String, reason: String, by caller: Caller,
        mayCancel: @escaping @Sendable (AppointmentRecord) -> Bool
    ) async throws -> AppointmentRecord {
        let now = nowMillis
        return try await write { db in
            var record = try appointment(db, id, organization: caller.organization, visible: mayCancel)
            guard record.status == .booked else {
                throw ServiceError.failedPrecondition(
                    "the appointment is \(record.status.rawValue), not booked")
            }
            guard now < record.startsAt else {
                throw ServiceError.failedPrecondition(
                    "the appointment has started; mark it attended or a no-show")
            }
            let policy = try policy(db, organization: caller.organization)
            record.late = record.startsAt - now < Int64(policy.cancellationWindowMinutes) * 60_000
            record.status = .cancelled
            record.cancelledAt = now
            record.cancelledBy = caller.id
            record.cancelReason = reason
            try db.cachedExecute(
                sql: """
                    UPDATE appointments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, late = ?,
                        cancel_reason = ? WHERE organization_id = ? AND id = ?
                    """,
                arguments: [now, caller.id, record.late, reason, caller.organization, id])
            try audit(
                db,
                AuditEvent(
                    "appointment.cancel", subject: id, client: record.clientID,
                    detail: record.late ? "late" : "in time"),
                by: caller)
            try offerFreedSlot(
                db, record, organization: caller.organization, now: now, actor: AuditActor(caller))
            return record
        }
    }

    /// Replaces a booked, not yet started appointment by `replacement` in one transaction: the
    /// new time is taken and the old freed, or nothing changes. `mayMove` decides on the stored
    /// row; `replacement(old)` builds the new booking from it (validated by the handler).
    func reschedule(
        _ id: String, by caller: Caller, mayMove: @escaping @Sendable (AppointmentRecord) -> Bool,
        replacement: @escaping @Sendable (AppointmentRecord) throws -> NewAppointment
    ) async throws -> (new: AppointmentRecord, old: AppointmentRecord) {
        let newID = Self.newID()
        let now = nowMillis
        return try await groupWrite { db in
            var old = try appointment(db, id, organization: caller.organization, visible: mayMove)
            guard old.status == .booked else {
                throw ServiceError.failedPrecondition("the appointment is \(old.status.rawValue), not booked")
            }
            guard now < old.startsAt else {
                throw ServiceError.failedPrecondition("the appointment has started")
            }
            let new = try replacement(old)
            // Free the old time first, so a move by less than its length is not its own overlap.
            try db.cachedExecute(
                sql: """
                    UPDATE appointments SET status = 'rescheduled', rescheduled_to = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [newID, caller.organization, id])
            old.status = .rescheduled
            old.rescheduledTo = newID
            let record = try insertAppointment(db, new, id: newID, rescheduledFrom: id, now: now, by: caller)
            try audit(
                db,
                AuditEvent(
                    "appointment.reschedule", subject: newID, client: new.clientID,
                    detail: "from \(id) at \(old.startsAt) to \(new.startsAt)"),
                by: caller)
            try offerFreedSlot(
                db, old, organization: caller.organization, now: now, actor: AuditActor(caller))
            return (record, old)
        }
    }

    /// Marks an appointment attended with its actual times (from booked, or correcting a
    /// no-show). `mayMark` decides on the stored row.
    func markAttended(
        _ id: String, actual: Range<Int64>, by caller: Caller,
        mayMark: @escaping @Sendable (AppointmentRecord) -> Bool
    ) async throws -> AppointmentRecord {
        try await mark(id, status: .attended, actual: actual, by: caller, mayMark: mayMark)
    }

    /// Marks a started appointment as a no-show (from booked, or correcting an attendance).
    func markNoShow(
        _ id: String, by caller: Caller, mayMark: @escaping @Sendable (AppointmentRecord) -> Bool
    ) async throws -> AppointmentRecord {
        try await mark(id, status: .noShow, actual: nil, by: caller, mayMark: mayMark)
    }

    private func mark(
        _ id: String, status: AppointmentStatus, actual: Range<Int64>?, by caller: Caller,
        mayMark: @escaping @Sendable (AppointmentRecord) -> Bool
    ) async throws -> AppointmentRecord {
        let now = nowMillis
        return try await write { db in
            var record = try appointment(db, id, organization: caller.organization, visible: mayMark)
            guard [.booked, .attended, .noShow].contains(record.status) else {
                throw ServiceError.failedPrecondition("the appointment is \(record.status.rawValue)")
            }
            guard now >= record.startsAt else {
                throw ServiceError.failedPrecondition("the appointment has not started")
            }
            record.status = status
            record.actualStart = actual?.lowerBound
            record.actualEnd = actual?.upperBound
            record.markedAt = now
            record.markedBy = caller.id
            try db.cachedExecute(
                sql: """
                    UPDATE appointments SET status = ?, actual_start = ?, actual_end = ?, marked_at = ?, marked_by = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [
                    status.rawValue, record.actualStart, record.actualEnd, now, caller.id,
                    caller.organization, id,
                ])
            let detail = actual.map { "actual \($0.lowerBound)–\($0.upperBound)" } ?? ""
            try audit(
                db,
                AuditEvent(
                    status == .attended ? "appointment.attended" : "appointment.no_show", subject: id,
                    client: record.clientID, detail: detail),
                by: caller)
            return record
        }
    }

    /// One appointment; NOT_FOUND when unknown or when `visible` says the caller may not see it
    /// (so its existence is not revealed).
    func appointment(
        _ id: String, for caller: Caller, visible: @escaping @Sendable (AppointmentRecord) -> Bool
    ) async throws -> AppointmentRecord {
        try await read { db in try appointment(db, id, organization: caller.organization, visible: visible) }
    }

    /// Appointments matching `filter`, by start then id.
    func appointments(_ filter: AppointmentFilter, for caller: Caller) async throws -> [AppointmentRecord] {
        try await read { db in
            var sql = "SELECT \(AppointmentRecord.columns) FROM appointments WHERE organization_id = ?"
            var arguments: StatementArguments = [caller.organization]
            if let practitioner = filter.practitioner {
                sql += " AND practitioner_id = ?"
                arguments += [practitioner]
            }
            if let client = filter.client {
                sql += " AND client_id = ?"
                arguments += [client]
            }
            sql += " AND starts_at >= ? AND starts_at < ?"
            arguments += [filter.during.lowerBound, filter.during.upperBound]
            if let status = filter.status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let after = filter.after {
                sql += " AND (starts_at, id) > (?, ?)"
                arguments += [after.startsAt, after.id]
            }
            sql += " ORDER BY starts_at, id LIMIT ?"
            arguments += [filter.limit]
            return try db.cachedRows(sql: sql, arguments: arguments).map(AppointmentRecord.init(row:))
        }
    }

    /// How `practitioner`'s attended sessions starting in `range` kept time.
    func overrunStatistics(practitioner: String, range: Range<Int64>, for caller: Caller) async throws
        -> OverrunStatistics
    {
        try await read { db in
            let row = try db.cachedRow(
                sql: """
                    SELECT count(*),
                        coalesce(sum(actual_end > ends_at), 0),
                        coalesce(sum(CASE WHEN actual_end > ends_at THEN actual_end - ends_at ELSE 0 END), 0),
                        coalesce(max(CASE WHEN actual_end > ends_at THEN actual_end - ends_at ELSE 0 END), 0),
                        coalesce(sum(actual_start > starts_at), 0)
                    FROM appointments
                    WHERE organization_id = ? AND practitioner_id = ? AND starts_at >= ? AND starts_at < ?
                      AND status = 'attended'
                    """,
                arguments: [caller.organization, practitioner, range.lowerBound, range.upperBound])!
            let overran: Int = row[1]
            let total: Int64 = row[2]
            let longest: Int64 = row[3]
            return OverrunStatistics(
                attended: row[0], overran: overran,
                meanOverrunSeconds: overran == 0 ? 0 : Int(total / Int64(overran) / 1000),
                maxOverrunSeconds: Int(longest / 1000), startedLate: row[4])
        }
    }

    // MARK: - Helpers

    private func replayed(_ db: Database, _ key: IdempotencyKey, by caller: Caller) throws
        -> AppointmentRecord?
    {
        guard
            let row = try db.cachedRow(
                sql: """
                    SELECT request_hash, appointment_id FROM booking_requests
                    WHERE organization_id = ? AND caller_id = ? AND idempotency_key = ?
                    """,
                arguments: [caller.organization, caller.id, key.key])
        else { return nil }
        guard (row[0] as Data) == key.requestHash else {
            throw ServiceError.alreadyExists("idempotency key '\(key.key)' was used for another request")
        }
        return try appointment(db, row[1], organization: caller.organization) { _ in true }
    }

    func appointment(
        _ db: Database, _ id: String, organization: String, visible: (AppointmentRecord) -> Bool
    ) throws -> AppointmentRecord {
        guard
            let record = try db.cachedRow(
                sql:
                    "SELECT \(AppointmentRecord.columns) FROM appointments WHERE organization_id = ? AND id = ?",
                arguments: [organization, id]
            ).map(AppointmentRecord.init(row:)), visible(record)
        else { throw ServiceError.notFound("appointment") }
        return record
    }

    func insertAppointment(
        _ db: Database, _ new: NewAppointment, id: String, rescheduledFrom: String?, now: Int64,
        by caller: Caller
    ) throws -> AppointmentRecord {
        try insertAppointment(
            db, new, id: id, rescheduledFrom: rescheduledFrom, now: now, organization: caller.organization,
            bookedBy: caller.id)
    }

    /// Inserts a booked appointment (the schema's triggers refuse an overlap).
    func insertAppointment(
        _ db: Database, _ new: NewAppointment, id: String, rescheduledFrom: String?, now: Int64,
        organization: String, bookedBy: String
    ) throws -> AppointmentRecord {
        let record = AppointmentRecord(
            id: id, practitionerID: new.practitionerID, clientID: new.clientID,
            sessionTypeID: new.sessionType.id,
            locationID: new.locationID, startsAt: new.startsAt, endsAt: new.endsAt,
            blockedUntil: new.blockedUntil,
            capacity: new.sessionType.capacity, modality: new.sessionType.modality,
            currency: new.sessionType.currency, priceMinorUnits: new.sessionType.priceMinorUnits,
            status: .booked,
            bookedBy: bookedBy, bookedAt: now, cancelledAt: nil, cancelledBy: nil, late: false,
            cancelReason: "",
            rescheduledFrom: rescheduledFrom, rescheduledTo: nil, actualStart: nil, actualEnd: nil,
            markedAt: nil,
            markedBy: nil)
        try db.cachedExecute(
            sql: """
                INSERT INTO appointments (organization_id, id, practitioner_id, client_id, session_type_id,
                    location_id, starts_at, ends_at, blocked_until, capacity, modality, price_currency,
                    price_minor_units, status, booked_by, booked_at, rescheduled_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?)
                """,
            arguments: [
                organization, id, record.practitionerID, record.clientID, record.sessionTypeID,
                record.locationID, record.startsAt, record.endsAt, record.blockedUntil, record.capacity,
                record.modality.rawValue, record.currency, record.priceMinorUnits, bookedBy, now,
                rescheduledFrom,
            ])
        return record
    }
}
