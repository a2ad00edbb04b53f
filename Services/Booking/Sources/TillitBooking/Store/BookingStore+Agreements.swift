import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// What a party does to an agreement.
enum AgreementAction: String, Sendable {
    case accept, decline, pause, resume, end

    /// The status it leads to.
    var status: AgreementStatus {
        switch self {
        case .accept, .resume: .active
        case .decline: .declined
        case .pause: .paused
        case .end: .ended
        }
    }
}

extension BookingStore {
    /// How far ahead an active series keeps real appointments booked.
    static let seriesHorizonMillis: Int64 = 28 * 86_400_000

    /// Stores a proposed agreement; FAILED_PRECONDITION unless the practitioner has seen the
    /// client for an intake (an attended appointment, or an intake request they accepted).
    func proposeAgreement(_ record: AgreementRecord, by caller: Caller) async throws -> AgreementRecord {
        var stored = record
        stored.id = Self.newID()
        stored.status = .proposed
        stored.proposedAt = nowMillis
        let value = stored
        return try await write { db in
            guard try sessionType(db, value.sessionTypeID, organization: caller.organization)?.active == true
            else {
                throw ServiceError.notFound("session type")
            }
            let afterIntake =
                try db.cachedValue(
                    Bool.self,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM appointments WHERE organization_id = ?1 AND practitioner_id = ?2
                                AND client_id = ?3 AND status = 'attended')
                            OR EXISTS (SELECT 1 FROM intake_requests WHERE organization_id = ?1 AND decided_by = ?2
                                AND client_id = ?3 AND status = 'accepted')
                        """,
                    arguments: [caller.organization, value.practitionerID, value.clientID]) ?? false
            guard afterIntake else {
                throw ServiceError.failedPrecondition(
                    "an agreement is proposed after an intake: no attended appointment or accepted intake request with this client"
                )
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO agreements (organization_id, id, practitioner_id, client_id, goal, every_weeks, weekday,
                        start_minute, time_zone, session_type_id, location_id, first_day, end_day, occurrence_count,
                        price_currency, price_minor_units, payment_terms, cancellation_terms, status, proposed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?)
                    """,
                arguments: [
                    caller.organization, value.id, value.practitionerID, value.clientID, value.goal,
                    value.everyWeeks,
                    value.weekday, value.startMinute, value.timeZone, value.sessionTypeID, value.locationID,
                    value.firstDay.day, value.endDay?.day, value.occurrenceCount, value.currency,
                    value.priceMinorUnits, value.paymentTerms, value.cancellationTerms, value.proposedAt,
                ])
            try audit(
                db, AuditEvent("agreement.propose", subject: value.id, client: value.clientID), by: caller)
            return value
        }
    }

    /// Applies `action` (FAILED_PRECONDITION when the status does not allow it). Accepting and
    /// resuming top the series up in the same transaction; pausing and ending cancel the
    /// series' future appointments and forget those occurrences (a resume books them again).
    /// `mayAct` decides on the stored row (NOT_FOUND otherwise).
    func act(
        on id: String, _ action: AgreementAction, by caller: Caller,
        mayAct: @escaping @Sendable (AgreementRecord) -> Bool
    ) async throws -> AgreementRecord {
        let now = nowMillis
        return try await write { db in
            var record = try agreement(db, id, organization: caller.organization, visible: mayAct)
            let allowed: [AgreementAction: [AgreementStatus]] = [
                .accept: [.proposed], .decline: [.proposed], .pause: [.active], .resume: [.paused],
                .end: [.active, .paused],
            ]
            guard allowed[action]?.contains(record.status) == true else {
                throw ServiceError.failedPrecondition(
                    "the agreement is \(record.status.rawValue); cannot \(action.rawValue) it")
            }
            record.status = action.status
            switch action {
            case .accept, .decline:
                try db.cachedExecute(
                    sql:
                        "UPDATE agreements SET status = ?, decided_at = ? WHERE organization_id = ? AND id = ?",
                    arguments: [record.status.rawValue, now, caller.organization, id])
            case .end:
                try db.cachedExecute(
                    sql:
                        "UPDATE agreements SET status = 'ended', ended_at = ? WHERE organization_id = ? AND id = ?",
                    arguments: [now, caller.organization, id])
            case .pause, .resume:
                try db.cachedExecute(
                    sql: "UPDATE agreements SET status = ? WHERE organization_id = ? AND id = ?",
                    arguments: [record.status.rawValue, caller.organization, id])
            }
            let actor = AuditActor(caller)
            if action == .pause || action == .end {
                try cancelFutureOccurrences(
                    db, of: record, organization: caller.organization, now: now, actor: actor)
            }
            try audit(
                db, AuditEvent("agreement.\(action.rawValue)", subject: id, client: record.clientID),
                by: caller)
            if record.status == .active {
                try topUp(db, record, organization: caller.organization, now: now, actor: actor)
            }
            return try agreement(db, id, organization: caller.organization) { _ in true }
        }
    }

    /// One agreement with its occurrences; NOT_FOUND unless `visible`.
    func agreement(
        _ id: String, for caller: Caller, visible: @escaping @Sendable (AgreementRecord) -> Bool
    ) async throws -> AgreementRecord {
        try await read { db in try agreement(db, id, organization: caller.organization, visible: visible) }
    }

    /// Agreements of the client and/or practitioner given, newest first, before the page key
    /// (without occurrences).
    func agreements(
        client: String?, practitioner: String?, status: AgreementStatus?, before: (Int64, String)?,
        limit: Int,
        for caller: Caller
    ) async throws -> [AgreementRecord] {
        try await read { db in
            var sql = "SELECT \(Self.agreementColumns) FROM agreements WHERE organization_id = ?"
            var arguments: StatementArguments = [caller.organization]
            if let client {
                sql += " AND client_id = ?"
                arguments += [client]
            }
            if let practitioner {
                sql += " AND practitioner_id = ?"
                arguments += [practitioner]
            }
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let before {
                sql += " AND (proposed_at, id) < (?, ?)"
                arguments += [before.0, before.1]
            }
            sql += " ORDER BY proposed_at DESC, id DESC LIMIT ?"
            arguments += [limit]
            return try db.cachedRows(sql: sql, arguments: arguments).map(Self.agreement)
        }
    }

    /// Tops up every active agreement of every practice (the series service, with no user
    /// behind it: nothing is asked of Identity). Each agreement in its own transaction;
    /// returns how many occurrences were made.
    @discardableResult
    func topUpAllSeries() async throws -> Int {
        let now = nowMillis
        let active = try await read { db in
            try db.cachedRows(
                sql:
                    "SELECT organization_id, id FROM agreements WHERE status = 'active' ORDER BY organization_id, id"
            ).map { ($0[0] as String, $0[1] as String) }
        }
        var made = 0
        for (organization, id) in active {
            made += try await write { db in
                guard
                    let record = try? agreement(
                        db, id, organization: organization, visible: { $0.status == .active })
                else { return 0 }
                let actor = AuditActor(
                    organization: organization, actor: nil, via: ServiceName.booking.rawValue,
                    requestID: "series-top-up")
                return try topUp(db, record, organization: organization, now: now, actor: actor)
            }
        }
        return made
    }

    // MARK: - Helpers

    /// Makes the occurrences of `record` that start within the horizon and have no row yet:
    /// each booked in a savepoint, or recorded as a collision when the schema refuses it.
    @discardableResult
    func topUp(_ db: Database, _ record: AgreementRecord, organization: String, now: Int64, actor: AuditActor)
        throws -> Int
    {
        guard let sessionType = try sessionType(db, record.sessionTypeID, organization: organization) else {
            return 0
        }
        var clock = ZoneClock(identifier: record.timeZone) ?? ZoneClock(identifier: "UTC")!
        let horizon = now + Self.seriesHorizonMillis
        let existing = Set(record.occurrences.map(\.index))
        let today = clock.date(atMillis: now)
        let step = Int64(record.everyWeeks * 7)
        var index = max(0, Int((today.day - record.firstDay.day) / step) - 1)
        var made = 0
        while let date = record.date(ofOccurrence: index) {
            let startsAt = clock.instant(of: date, minute: record.startMinute)
            if startsAt >= horizon { break }
            defer { index += 1 }
            guard startsAt > now, !existing.contains(index) else { continue }
            let new = NewAppointment(
                practitionerID: record.practitionerID, clientID: record.clientID, sessionType: sessionType,
                locationID: record.locationID, startsAt: startsAt)
            let appointmentID = Self.newID()
            var problem = ""
            do {
                try db.inSavepoint {
                    _ = try insertAppointment(
                        db, new, id: appointmentID, rescheduledFrom: nil, now: now,
                        organization: organization,
                        bookedBy: record.practitionerID)
                    return .commit
                }
            } catch {
                let refusal = Self.refusal(error)
                guard refusal.code == .failedPrecondition else { throw error }
                problem = refusal.message
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO agreement_occurrences (organization_id, agreement_id, occurrence_index, starts_at,
                        status, appointment_id, problem, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    organization, record.id, index, startsAt, problem.isEmpty ? "booked" : "collision",
                    problem.isEmpty ? appointmentID : nil, problem, now,
                ])
            try audit.append(
                AuditEvent(
                    problem.isEmpty ? "agreement.occurrence.book" : "agreement.occurrence.collision",
                    subject: problem.isEmpty ? appointmentID : record.id, client: record.clientID,
                    detail:
                        "agreement \(record.id) #\(index) at \(startsAt)\(problem.isEmpty ? "" : ": \(problem)")"
                ),
                by: actor, at: now, db: db)
            made += 1
        }
        return made
    }

    private func cancelFutureOccurrences(
        _ db: Database, of record: AgreementRecord, organization: String, now: Int64, actor: AuditActor
    ) throws {
        for occurrence in record.occurrences where occurrence.startsAt > now {
            if let appointment = occurrence.appointmentID {
                try db.cachedExecute(
                    sql: """
                        UPDATE appointments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?,
                            cancel_reason = ?
                        WHERE organization_id = ? AND id = ? AND status = 'booked'
                        """,
                    arguments: [
                        now, actor.actor, "agreement \(record.status.rawValue)", organization, appointment,
                    ])
            }
            try db.cachedExecute(
                sql: """
                    DELETE FROM agreement_occurrences WHERE organization_id = ? AND agreement_id = ? AND occurrence_index = ?
                    """,
                arguments: [organization, record.id, occurrence.index])
        }
    }

    func agreement(
        _ db: Database, _ id: String, organization: String, visible: (AgreementRecord) -> Bool
    ) throws -> AgreementRecord {
        guard
            var record = try db.cachedRow(
                sql: "SELECT \(Self.agreementColumns) FROM agreements WHERE organization_id = ? AND id = ?",
                arguments: [organization, id]
            ).map(Self.agreement), visible(record)
        else { throw ServiceError.notFound("agreement") }
        record.occurrences = try db.cachedRows(
            sql: """
                SELECT occurrence_index, starts_at, status, appointment_id, problem FROM agreement_occurrences
                WHERE organization_id = ? AND agreement_id = ? ORDER BY occurrence_index
                """,
            arguments: [organization, id]
        ).map { row in
            OccurrenceRecord(
                index: row[0], startsAt: row[1],
                status: OccurrenceRecord.Status(rawValue: row[2]) ?? .collision,
                appointmentID: row[3], problem: row[4])
        }
        return record
    }

    private static let agreementColumns = """
        id, practitioner_id, client_id, goal, every_weeks, weekday, start_minute, time_zone, session_type_id,
        location_id, first_day, end_day, occurrence_count, price_currency, price_minor_units, payment_terms,
        cancellation_terms, status, proposed_at, decided_at, ended_at
        """

    private static func agreement(_ row: Row) throws -> AgreementRecord {
        guard let status = AgreementStatus(rawValue: row[17]) else {
            throw BookingStoreError.corrupt("agreements.status")
        }
        let endDay: Int64? = row[11]
        return AgreementRecord(
            id: row[0], practitionerID: row[1], clientID: row[2], goal: row[3], everyWeeks: row[4],
            weekday: row[5],
            startMinute: row[6], timeZone: row[7], sessionTypeID: row[8], locationID: row[9],
            firstDay: CivilDate(day: row[10]), endDay: endDay.map(CivilDate.init(day:)),
            occurrenceCount: row[12],
            currency: row[13], priceMinorUnits: row[14], paymentTerms: row[15], cancellationTerms: row[16],
            status: status, proposedAt: row[18], decidedAt: row[19], endedAt: row[20], occurrences: [])
    }
}
