import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension NotesStore {
    /// Reads note `id` on `basis` and records the read in the same transaction: the note as
    /// stored now (`stillAllowed` decides again on that row, so a note that changed since the
    /// decision is not shown), its addenda the reader may see and its comments.
    func read(
        _ id: String, basis: ReadBasis, action: String = "read", detail: String = "", for caller: Caller,
        stillAllowed: @escaping @Sendable (NoteRecord) -> Bool
    ) async throws -> NoteReading {
        try await auditedRead { db in
            let record = try note(db, id, organization: caller.organization)
            guard stillAllowed(record) else {
                throw ServiceError.aborted("the note changed while it was being read; read it again")
            }
            let reading = try reading(db, record, basis: basis, caller: caller)
            try audit(
                db,
                Self.event(
                    action, record, detail: "as \(basis.rawValue)" + (detail.isEmpty ? "" : "; \(detail)")),
                by: caller)
            return reading
        }
    }

    /// Reads note `id` deciding on the stored row in the same transaction (`NoteAccess.decide`):
    /// allowed → the reading, recorded; denied → the refusal recorded (outcome denied), then
    /// PERMISSION_DENIED; hidden → NOT_FOUND; a colleague → nothing recorded yet, the record
    /// returned for the handler to ask Booking and Identity (then `read(_:basis:…)`). One
    /// transaction for every reader whose right follows from the note itself.
    func readDeciding(_ id: String, for caller: Caller) async throws -> (
        reading: NoteReading?, record: NoteRecord
    ) {
        try await auditedRead { db in
            let record = try note(db, id, organization: caller.organization)
            switch NoteAccess.decide(record, caller: caller) {
            case .allowed(let basis):
                let reading = try reading(db, record, basis: basis, caller: caller)
                try audit(db, Self.event("read", record, detail: "as \(basis.rawValue)"), by: caller)
                return (reading, record)
            case .colleagueIfConsented:
                return (nil, record)
            case .hidden:
                throw ServiceError.notFound("note")
            case .denied(let why):
                // Recorded, and committed: the handler answers PERMISSION_DENIED.
                try audit(db, Self.event("read", record, outcome: .denied, detail: why), by: caller)
                return (nil, record)
            }
        }
    }

    /// Records a refused read of `note` (outcome denied) and commits it.
    func recordRefusedRead(_ note: NoteRecord, reason: String, for caller: Caller) async throws {
        try await auditedRead { db in
            try audit(db, Self.event("read", note, outcome: .denied, detail: reason), by: caller)
        }
    }

    private func reading(_ db: Database, _ record: NoteRecord, basis: ReadBasis, caller: Caller) throws
        -> NoteReading
    {
        let addenda = try db.cachedAll(
            sql: """
                SELECT \(NoteRecord.columns) FROM notes
                WHERE organization_id = ? AND addendum_of = ? ORDER BY created_at, rowid
                """,
            arguments: [caller.organization, record.id], NoteRecord.init(columns:)
        ).filter { NoteAccess.shows($0, on: basis, caller: caller) }
        let comments =
            record.kind == .shared
            ? try db.cachedAll(
                sql: """
                    SELECT id, note_id, author_id, created_at, body FROM note_comments
                    WHERE organization_id = ? AND note_id = ? ORDER BY created_at, rowid
                    """,
                arguments: [caller.organization, record.id], CommentRecord.init(columns:)) : []
        return NoteReading(note: record, addenda: addenda, comments: comments, basis: basis)
    }

    /// A page of `client`'s notes the caller may list, newest first: the caller's own (every
    /// kind and status) and, when `othersFinal`, the final session and shared notes of other
    /// authors (a client's view is `othersFinal` without own notes). Recorded as one list event.
    func notes(
        ofClient client: String, range: Range<Int64>?, ownBy author: String?, othersFinal: Bool, page: Page,
        for caller: Caller
    ) async throws -> [NoteRecord] {
        let after = try page.timeKey()
        return try await auditedRead { db in
            let notes = try db.cachedAll(
                sql: """
                    SELECT \(NoteRecord.columns) FROM notes
                    WHERE organization_id = ?1 AND client_id = ?2
                      AND ((?3 IS NOT NULL AND author_id = ?3)
                           OR (?4 AND kind != 'process' AND status IN ('signed', 'cosigned')))
                      AND (?5 IS NULL OR created_at >= ?5) AND (?6 IS NULL OR created_at < ?6)
                      AND (?7 IS NULL OR created_at < ?7 OR (created_at = ?7 AND id < ?8))
                    ORDER BY created_at DESC, id DESC LIMIT ?9
                    """,
                arguments: [
                    caller.organization, client, author, othersFinal, range?.lowerBound, range?.upperBound,
                    after?.0, after?.1, page.size + 1,
                ], NoteRecord.init(columns:))
            try audit(
                db,
                AuditEvent(
                    "notes.list", subject: nil, client: client, detail: "\(min(notes.count, page.size)) notes"
                ),
                by: caller)
            return notes
        }
    }

    /// The caller's drafts not changed since `before`, oldest first.
    func staleDrafts(before: Int64, page: Page, for caller: Caller) async throws -> [NoteRecord] {
        let after = try page.timeKey()
        return try await auditedRead { db in
            let notes = try db.cachedAll(
                sql: """
                    SELECT \(NoteRecord.columns) FROM notes
                    WHERE organization_id = ?1 AND author_id = ?2 AND status = 'draft' AND updated_at < ?3
                      AND (?4 IS NULL OR updated_at > ?4 OR (updated_at = ?4 AND id > ?5))
                    ORDER BY updated_at, id LIMIT ?6
                    """,
                arguments: [caller.organization, caller.id, before, after?.0, after?.1, page.size + 1],
                NoteRecord.init(columns:))
            try audit(
                db, AuditEvent("notes.list_stale_drafts", detail: "\(min(notes.count, page.size)) drafts"),
                by: caller)
            return notes
        }
    }

    /// `client`'s record for an export: every final session and shared note (not addenda on
    /// their own) with its final addenda and comments, oldest first; recorded as one export
    /// event (with `detail`, e.g. an admin's reason).
    func export(client: String, detail: String, for caller: Caller) async throws -> [NoteReading] {
        try await auditedRead { db in
            let notes = try db.cachedAll(
                sql: """
                    SELECT \(NoteRecord.columns) FROM notes
                    WHERE organization_id = ? AND client_id = ? AND kind != 'process'
                      AND status IN ('signed', 'cosigned') AND addendum_of IS NULL
                    ORDER BY created_at, rowid
                    """,
                arguments: [caller.organization, client], NoteRecord.init(columns:))
            let readings = try notes.map {
                try reading(db, $0, basis: caller.isClient ? .client : .emergency, caller: caller)
            }
            try audit(
                db,
                AuditEvent(
                    "notes.export", client: client,
                    detail: "\(notes.count) notes" + (detail.isEmpty ? "" : "; \(detail)")),
                by: caller)
            return readings
        }
    }

}
