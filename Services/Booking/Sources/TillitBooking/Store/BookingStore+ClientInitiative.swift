import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    // MARK: Intake

    /// Stores a client's intake request.
    func requestIntake(practitioner: String?, message: String, by caller: Caller) async throws -> IntakeRecord
    {
        let record = IntakeRecord(
            id: Self.newID(), clientID: caller.id, practitionerID: practitioner, message: message,
            status: .open,
            createdAt: nowMillis, decidedBy: nil, decidedAt: nil, declineReason: "", referralSuggestion: "")
        return try await write { db in
            try db.cachedExecute(
                sql: """
                    INSERT INTO intake_requests (organization_id, id, client_id, practitioner_id, message, status,
                        created_at) VALUES (?, ?, ?, ?, ?, 'open', ?)
                    """,
                arguments: [
                    caller.organization, record.id, record.clientID, practitioner, message, record.createdAt,
                ])
            try audit(db, AuditEvent("intake.request", subject: record.id, client: caller.id), by: caller)
            return record
        }
    }

    /// Intake requests `visible` to the caller, newest first, before `before` (the page key).
    func intakeRequests(
        status: IntakeStatus?, clientID: String?, practitionerOrAnyone: String?, before: (Int64, String)?,
        limit: Int, for caller: Caller
    ) async throws -> [IntakeRecord] {
        try await read { db in
            var sql = "SELECT \(Self.intakeColumns) FROM intake_requests WHERE organization_id = ?"
            var arguments: StatementArguments = [caller.organization]
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let clientID {
                sql += " AND client_id = ?"
                arguments += [clientID]
            }
            if let practitioner = practitionerOrAnyone {
                sql += " AND (practitioner_id IS NULL OR practitioner_id = ?)"
                arguments += [practitioner]
            }
            if let before {
                sql += " AND (created_at, id) < (?, ?)"
                arguments += [before.0, before.1]
            }
            sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
            arguments += [limit]
            return try db.cachedRows(sql: sql, arguments: arguments).map(Self.intake)
        }
    }

    /// Accepts, declines or withdraws an open intake request; FAILED_PRECONDITION once decided.
    /// `mayDecide` decides on the stored row (NOT_FOUND otherwise, revealing nothing).
    func decideIntake(
        _ id: String, status: IntakeStatus, reason: String, referral: String, by caller: Caller,
        mayDecide: @escaping @Sendable (IntakeRecord) -> Bool
    ) async throws -> IntakeRecord {
        let now = nowMillis
        return try await write { db in
            guard
                var record = try db.cachedRow(
                    sql:
                        "SELECT \(Self.intakeColumns) FROM intake_requests WHERE organization_id = ? AND id = ?",
                    arguments: [caller.organization, id]
                ).map(Self.intake), mayDecide(record)
            else { throw ServiceError.notFound("intake request") }
            guard record.status == .open else {
                throw ServiceError.failedPrecondition(
                    "the intake request is already \(record.status.rawValue)")
            }
            record.status = status
            record.decidedBy = caller.id
            record.decidedAt = now
            record.declineReason = reason
            record.referralSuggestion = referral
            try db.cachedExecute(
                sql: """
                    UPDATE intake_requests SET status = ?, decided_by = ?, decided_at = ?, decline_reason = ?,
                        referral_suggestion = ? WHERE organization_id = ? AND id = ?
                    """,
                arguments: [status.rawValue, caller.id, now, reason, referral, caller.organization, id])
            try audit(
                db, AuditEvent("intake.\(status.rawValue)", subject: id, client: record.clientID), by: caller)
            return record
        }
    }

    private static let intakeColumns = """
        id, client_id, practitioner_id, message, status, created_at, decided_by, decided_at, decline_reason,
        referral_suggestion
        """

    private static func intake(_ row: Row) throws -> IntakeRecord {
        guard let status = IntakeStatus(rawValue: row[4]) else {
            throw BookingStoreError.corrupt("intake_requests.status")
        }
        return IntakeRecord(
            id: row[0], clientID: row[1], practitionerID: row[2], message: row[3], status: status,
            createdAt: row[5],
            decidedBy: row[6], decidedAt: row[7], declineReason: row[8], referralSuggestion: row[9])
    }

    // MARK: Check-ins

    /// Marks `client` for a check-in by the calling practitioner, due at `dueAt`;
    /// FAILED_PRECONDITION without a care relationship.
    func markCheckIn(
        client: String, restAmount: Int, restUnit: RestUnit, dueAt: Int64, reason: String, by caller: Caller
    ) async throws -> CheckInRecord {
        let now = nowMillis
        let record = CheckInRecord(
            id: Self.newID(), practitionerID: caller.id, clientID: client, restAmount: restAmount,
            restUnit: restUnit,
            markedAt: now, dueAt: dueAt, status: .marked, reason: reason, closedAt: nil)
        return try await write { db in
            guard
                try careRelationship(
                    db, practitioner: caller.id, client: client, organization: caller.organization, now: now
                )
                .active
            else { throw ServiceError.failedPrecondition("no care relationship with this client") }
            try db.cachedExecute(
                sql: """
                    INSERT INTO check_ins (organization_id, id, practitioner_id, client_id, rest_amount, rest_unit,
                        marked_at, due_at, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'marked', ?)
                    """,
                arguments: [
                    caller.organization, record.id, caller.id, client, restAmount, restUnit.rawValue, now,
                    dueAt, reason,
                ])
            try audit(
                db, AuditEvent("check_in.mark", subject: record.id, client: client, detail: "due \(dueAt)"),
                by: caller)
            return record
        }
    }

    /// The calling practitioner's marked check-ins due by now, oldest due first, after the page key.
    func dueCheckIns(after: (Int64, String)?, limit: Int, for caller: Caller) async throws -> [CheckInRecord]
    {
        let now = nowMillis
        return try await read { db in
            var sql = """
                SELECT \(Self.checkInColumns) FROM check_ins
                WHERE organization_id = ? AND practitioner_id = ? AND status = 'marked' AND due_at <= ?
                """
            var arguments: StatementArguments = [caller.organization, caller.id, now]
            if let after {
                sql += " AND (due_at, id) > (?, ?)"
                arguments += [after.0, after.1]
            }
            sql += " ORDER BY due_at, id LIMIT ?"
            arguments += [limit]
            return try db.cachedRows(sql: sql, arguments: arguments).map(Self.checkIn)
        }
    }

    /// Closes the caller's marked check-in as done or cancelled.
    func closeCheckIn(_ id: String, status: CheckInStatus, by caller: Caller) async throws -> CheckInRecord {
        let now = nowMillis
        return try await write { db in
            guard
                var record = try db.cachedRow(
                    sql: "SELECT \(Self.checkInColumns) FROM check_ins WHERE organization_id = ? AND id = ?",
                    arguments: [caller.organization, id]
                ).map(Self.checkIn), record.practitionerID == caller.id
            else { throw ServiceError.notFound("check-in") }
            guard record.status == .marked else {
                throw ServiceError.failedPrecondition("the check-in is already \(record.status.rawValue)")
            }
            record.status = status
            record.closedAt = now
            try db.cachedExecute(
                sql: "UPDATE check_ins SET status = ?, closed_at = ? WHERE organization_id = ? AND id = ?",
                arguments: [status.rawValue, now, caller.organization, id])
            try audit(
                db, AuditEvent("check_in.\(status.rawValue)", subject: id, client: record.clientID),
                by: caller)
            return record
        }
    }

    private static let checkInColumns =
        "id, practitioner_id, client_id, rest_amount, rest_unit, marked_at, due_at, status, reason, closed_at"

    private static func checkIn(_ row: Row) throws -> CheckInRecord {
        guard let unit = RestUnit(rawValue: row[4]), let status = CheckInStatus(rawValue: row[7]) else {
            throw BookingStoreError.corrupt("check_ins")
        }
        return CheckInRecord(
            id: row[0], practitionerID: row[1], clientID: row[2], restAmount: row[3], restUnit: unit,
            markedAt: row[5],
            dueAt: row[6], status: status, reason: row[8], closedAt: row[9])
    }

    // MARK: Feedback

    /// Stores feedback the calling client gives about a practitioner it attended a session
    /// with (about `appointment`, when named: its own attended appointment with them).
    func submitFeedback(
        practitioner: String, appointment: String?, rating: Int, text: String, by caller: Caller
    ) async throws -> FeedbackRecord {
        let record = FeedbackRecord(
            id: Self.newID(), clientID: caller.id, practitionerID: practitioner, appointmentID: appointment,
            rating: rating, text: text, submittedAt: nowMillis)
        return try await write { db in
            var sql = """
                SELECT EXISTS (SELECT 1 FROM appointments WHERE organization_id = ? AND client_id = ?
                    AND practitioner_id = ? AND status = 'attended'
                """
            var arguments: StatementArguments = [caller.organization, caller.id, practitioner]
            if let appointment {
                sql += " AND id = ?"
                arguments += [appointment]
            }
            sql += ")"
            guard try db.cachedValue(Bool.self, sql: sql, arguments: arguments) == true else {
                throw ServiceError.failedPrecondition(
                    appointment == nil
                        ? "feedback is about a practitioner you attended a session with"
                        : "the appointment is not an attended appointment of yours with this practitioner")
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO feedback (organization_id, id, client_id, practitioner_id, appointment_id, rating,
                        text, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, record.id, caller.id, practitioner, appointment, rating, text,
                    record.submittedAt,
                ])
            try audit(
                db,
                AuditEvent(
                    "feedback.submit", subject: record.id, client: caller.id, detail: "about \(practitioner)"),
                by: caller)
            return record
        }
    }

    /// Feedback about `practitioner` (or by `client`), newest first, before the page key.
    func feedback(
        practitioner: String?, client: String?, before: (Int64, String)?, limit: Int, for caller: Caller
    ) async throws -> [FeedbackRecord] {
        try await read { db in
            var sql = """
                SELECT id, client_id, practitioner_id, appointment_id, rating, text, submitted_at FROM feedback
                WHERE organization_id = ?
                """
            var arguments: StatementArguments = [caller.organization]
            if let practitioner {
                sql += " AND practitioner_id = ?"
                arguments += [practitioner]
            }
            if let client {
                sql += " AND client_id = ?"
                arguments += [client]
            }
            if let before {
                sql += " AND (submitted_at, id) < (?, ?)"
                arguments += [before.0, before.1]
            }
            sql += " ORDER BY submitted_at DESC, id DESC LIMIT ?"
            arguments += [limit]
            return try db.cachedRows(sql: sql, arguments: arguments).map { row in
                FeedbackRecord(
                    id: row[0], clientID: row[1], practitionerID: row[2], appointmentID: row[3],
                    rating: row[4],
                    text: row[5], submittedAt: row[6])
            }
        }
    }
}
