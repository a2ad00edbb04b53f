import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension SupervisionStore {
    /// Records that the caller approved (co-signed through Notes) or returned note `note`. An
    /// approval is recorded once, however often it is retried.
    func recordReview(of note: String, approved: Bool, requestKey: String, client: String?, for caller: Caller)
        async throws
    {
        let now = nowMillis
        try await write { db in
            if approved {
                let exists = try db.cachedValue(
                    Bool.self,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM reviews WHERE organization_id = ? AND note_id = ? AND outcome = 'approved')
                        """,
                    arguments: [caller.organization, note]) ?? false
                if exists { return }
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO reviews (organization_id, id, note_id, supervisor_id, outcome, request_key, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, Self.newID(), note, caller.id, approved ? "approved" : "returned", requestKey, now,
                ])
            try audit(
                db, AuditEvent(approved ? "supervision.note.approve" : "supervision.note.return", subject: note, client: client),
                by: caller)
        }
    }

    /// Records that the caller read their queue (`count` notes shown).
    func recordQueueRead(count: Int, for caller: Caller) async throws {
        try await write { db in
            try audit(db, AuditEvent("supervision.queue.read", detail: "\(count) notes"), by: caller)
        }
    }

    /// How many approvals of `note` are recorded (tests).
    func approvals(of note: String, for caller: Caller) async throws -> Int {
        try await read { db in
            try db.cachedValue(
                Int.self,
                sql: "SELECT count(*) FROM reviews WHERE organization_id = ? AND note_id = ? AND outcome = 'approved'",
                arguments: [caller.organization, note]) ?? 0
        }
    }
}
