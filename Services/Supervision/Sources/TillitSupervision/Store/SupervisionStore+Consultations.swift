import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension SupervisionStore {
    /// Raises `consultation`.
    func raise(_ consultation: ConsultationRecord, for caller: Caller) async throws -> ConsultationRecord {
        try await write { db in
            try db.cachedExecute(
                sql: """
                    INSERT INTO consultations (organization_id, id, supervisee_id, supervisor_id, topic, summary, client_id,
                        created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, consultation.id, consultation.superviseeID, consultation.supervisorID,
                    consultation.topic, consultation.summary, consultation.clientID, consultation.createdAt,
                ])
            try audit(
                db,
                AuditEvent(
                    "supervision.consultation.raise", subject: consultation.id, client: consultation.clientID,
                    detail: "with \(consultation.supervisorID)"),
                by: caller)
            return consultation
        }
    }

    /// Consultation `id` with its replies if the caller is one of its parties (NOT_FOUND
    /// otherwise); the read is recorded.
    func consultation(_ id: String, for caller: Caller) async throws -> ConsultationRecord {
        try await write { db in
            let record = try consultation(db, id, caller: caller)
            try audit(db, AuditEvent("supervision.consultation.read", subject: id, client: record.clientID), by: caller)
            return record
        }
    }

    /// The caller's consultations (as either party), newest first, with their replies; recorded.
    func consultations(includeClosed: Bool, for caller: Caller) async throws -> [ConsultationRecord] {
        try await write { db in
            let ids = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM consultations WHERE organization_id = ?1 AND (supervisee_id = ?2 OR supervisor_id = ?2)
                          AND (?3 OR closed = 0) ORDER BY created_at DESC, id
                        """),
                arguments: [caller.organization, caller.id, includeClosed])
            let records = try ids.map { try consultation(db, $0, caller: caller) }
            try audit(db, AuditEvent("supervision.consultation.list", detail: "\(records.count) consultations"), by: caller)
            return records
        }
    }

    /// Adds the caller's reply to open consultation `id`.
    func reply(_ reply: ReplyRecord, to id: String, for caller: Caller) async throws -> ReplyRecord {
        try await write { db in
            let record = try consultation(db, id, caller: caller)
            guard !record.closed else { throw ServiceError.failedPrecondition("the consultation is closed") }
            try db.cachedExecute(
                sql: """
                    INSERT INTO replies (organization_id, id, consultation_id, author_id, text, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [caller.organization, reply.id, id, reply.authorID, reply.text, reply.createdAt])
            try audit(db, AuditEvent("supervision.consultation.reply", subject: id, client: record.clientID), by: caller)
            return reply
        }
    }

    /// Closes consultation `id` with `outcome` and `actions`.
    func close(_ id: String, outcome: String, actions: [String], for caller: Caller) async throws -> ConsultationRecord {
        let now = nowMillis
        return try await write { db in
            var record = try consultation(db, id, caller: caller)
            guard !record.closed else { throw ServiceError.failedPrecondition("the consultation is closed already") }
            try db.cachedExecute(
                sql: """
                    UPDATE consultations SET closed = 1, outcome = ?, actions = ?, closed_at = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [outcome, actions.joined(separator: "\n"), now, caller.organization, id])
            record.closed = true
            record.outcome = outcome
            record.actions = actions
            try audit(db, AuditEvent("supervision.consultation.close", subject: id, client: record.clientID), by: caller)
            return record
        }
    }

    private func consultation(_ db: Database, _ id: String, caller: Caller) throws -> ConsultationRecord {
        guard
            let row = try db.cachedRow(
                sql: """
                    SELECT id, supervisee_id, supervisor_id, topic, summary, client_id, closed, outcome, actions, created_at
                    FROM consultations WHERE organization_id = ? AND id = ?
                    """,
                arguments: [caller.organization, id])
        else { throw ServiceError.notFound("consultation") }
        let actions: String = row[8]
        var record = ConsultationRecord(
            id: row[0], superviseeID: row[1], supervisorID: row[2], topic: row[3], summary: row[4], clientID: row[5],
            closed: row[6], outcome: row[7], actions: actions.isEmpty ? [] : actions.components(separatedBy: "\n"),
            createdAt: row[9], replies: [])
        // Readable by the two parties only; to anyone else it does not exist.
        guard record.isParty(caller.id) else { throw ServiceError.notFound("consultation") }
        record.replies = try db.cachedRows(
            sql: """
                SELECT id, author_id, text, created_at FROM replies
                WHERE organization_id = ? AND consultation_id = ? ORDER BY created_at, rowid
                """,
            arguments: [caller.organization, id]
        ).map { ReplyRecord(id: $0[0], authorID: $0[1], text: $0[2], createdAt: $0[3]) }
        return record
    }
}
