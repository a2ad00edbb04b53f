import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension NotesStore {
    /// A page of the notes awaiting the caller's co-signature, oldest signature first; recorded
    /// as one list event.
    func awaitingCosignature(page: Page, for caller: Caller) async throws -> [NoteRecord] {
        let after = try page.timeKey()
        return try await write { db in
            let notes = try db.cachedAll(
                sql: """
                    SELECT \(NoteRecord.columns) FROM notes
                    WHERE organization_id = ?1 AND supervisor_id = ?2 AND status = 'awaiting_cosignature'
                      AND (?3 IS NULL OR signed_at > ?3 OR (signed_at = ?3 AND id > ?4))
                    ORDER BY signed_at, id LIMIT ?5
                    """,
                arguments: [caller.organization, caller.id, after?.0, after?.1, page.size + 1],
                NoteRecord.init(columns:))
            try audit(
                db,
                AuditEvent("notes.list_awaiting_cosignature", detail: "\(min(notes.count, page.size)) notes"),
                by: caller)
            return notes
        }
    }

    /// Co-signs note `id` as the caller (its supervisor). A note the caller already co-signed
    /// with the same `key` answers it again (`repeated`); any other co-signed note is
    /// FAILED_PRECONDITION.
    func cosign(_ id: String, key: String, for caller: Caller) async throws -> (
        note: NoteRecord, repeated: Bool
    ) {
        let now = nowMillis
        return try await write { db in
            var record = try supervised(db, id, caller: caller)
            if record.status == .cosigned {
                guard record.cosignedBy == caller.id, record.cosignKey == key else {
                    throw ServiceError.failedPrecondition("the note is already co-signed")
                }
                return (record, true)
            }
            guard record.status == .awaitingCosignature else {
                throw ServiceError.failedPrecondition(
                    "the note is \(record.status.rawValue), not awaiting co-signature")
            }
            record.status = .cosigned
            record.cosignedBy = caller.id
            record.cosignedAt = now
            record.cosignKey = key
            record.updatedAt = now
            try db.cachedExecute(
                sql: """
                    UPDATE notes SET status = 'cosigned', cosigned_by = ?, cosigned_at = ?, cosign_key = ?, updated_at = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [caller.id, now, key, now, caller.organization, id])
            try audit(db, Self.event("cosign", record), by: caller)
            return (record, false)
        }
    }

    /// Returns note `id` (awaiting the caller's co-signature) to draft with `comment`, sealed by
    /// `seal` for the return instant.
    func returnToDraft(
        _ id: String, for caller: Caller, seal: @escaping @Sendable (NoteRecord, Int64) throws -> Data
    ) async throws -> NoteRecord {
        let now = nowMillis
        return try await write { db in
            var record = try supervised(db, id, caller: caller)
            guard record.status == .awaitingCosignature else {
                throw ServiceError.failedPrecondition(
                    "the note is \(record.status.rawValue), not awaiting co-signature")
            }
            let comment = try seal(record, now)
            record.status = .draft
            record.signedAt = nil
            record.returnComment = comment
            record.returnedAt = now
            record.updatedAt = now
            try db.cachedExecute(
                sql: """
                    UPDATE notes SET status = 'draft', signed_at = NULL, return_comment = ?, returned_at = ?,
                        updated_at = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [comment, now, now, caller.organization, id])
            try audit(db, Self.event("return", record), by: caller)
            return record
        }
    }

    /// Note `id` if the caller is the supervisor it names: NOT_FOUND otherwise (a supervisor
    /// learns nothing of other supervisors' notes).
    private func supervised(_ db: Database, _ id: String, caller: Caller) throws -> NoteRecord {
        let record = try note(db, id, organization: caller.organization)
        guard record.supervisorID == caller.id, record.kind.isRecord else {
            throw ServiceError.notFound("note")
        }
        return record
    }
}
