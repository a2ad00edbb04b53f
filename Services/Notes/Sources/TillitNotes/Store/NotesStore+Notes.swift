import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension NotesStore {
    /// The note `id` of the caller's organisation, or NOT_FOUND.
    func note(_ id: String, for caller: Caller) async throws -> NoteRecord {
        try await read { db in try note(db, id, organization: caller.organization) }
    }

    /// The note `id` of `organization`, or NOT_FOUND.
    func note(_ db: Database, _ id: String, organization: String) throws -> NoteRecord {
        guard
            let record = try db.cachedFirst(
                sql: "SELECT \(NoteRecord.columns) FROM notes WHERE organization_id = ? AND id = ?",
                arguments: [organization, id], NoteRecord.init(columns:))
        else { throw ServiceError.notFound("note") }
        return record
    }

    /// The note an earlier create with `key` by the caller made, if any: nil when the key is
    /// unused; ALREADY_EXISTS when it was used for another request.
    func replayedCreate(key: String, requestHash: Data, for caller: Caller) async throws -> NoteRecord? {
        try await read { db in try replayed(db, key: key, requestHash: requestHash, caller: caller) }
    }

    private func replayed(_ db: Database, key: String, requestHash: Data, caller: Caller) throws
        -> NoteRecord?
    {
        guard
            let (record, storedHash) = try db.cachedFirst(
                sql: """
                    SELECT \(NoteRecord.columns), request_hash FROM notes
                    WHERE organization_id = ? AND author_id = ? AND idempotency_key = ?
                    """,
                arguments: [caller.organization, caller.id, key],
                { row in (try NoteRecord(columns: row), row.nullable(23) as Data?) })
        else { return nil }
        guard storedHash == requestHash else {
            throw ServiceError.alreadyExists("a note made with this idempotency key for another request")
        }
        return record
    }

    /// Inserts `note` (a draft, or signed when `note.status` says so) and audits it; with a key,
    /// a replay of the same request answers the first note.
    func create(_ note: NoteRecord, idempotencyKey: String?, requestHash: Data?, for caller: Caller)
        async throws -> NoteRecord
    {
        try await write { db in
            if let idempotencyKey, let requestHash,
                let earlier = try replayed(db, key: idempotencyKey, requestHash: requestHash, caller: caller)
            {
                return earlier
            }
            try insert(db, note, idempotencyKey: idempotencyKey, requestHash: requestHash)
            try audit(
                db, Self.event("create", note, detail: "\(note.kind.rawValue) \(note.template.rawValue)"),
                by: caller)
            if note.status != .draft {
                try audit(db, Self.event("sign", note, detail: note.status.rawValue), by: caller)
            }
            return note
        }
    }

    /// Inserts a signed addendum of `note.addendumOf` and audits it.
    func addAddendum(_ note: NoteRecord, for caller: Caller) async throws -> NoteRecord {
        try await write { db in
            try insert(db, note, idempotencyKey: nil, requestHash: nil)
            try audit(db, Self.event("addendum", note, detail: "of \(note.addendumOf ?? "")"), by: caller)
            return note
        }
    }

    private func insert(_ db: Database, _ note: NoteRecord, idempotencyKey: String?, requestHash: Data?)
        throws
    {
        var arguments = note.insertArguments
        arguments += [idempotencyKey, requestHash]
        try db.cachedExecute(
            sql: """
                INSERT INTO notes (\(NoteRecord.columns), idempotency_key, request_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: arguments)
    }

    /// Replaces the caller's draft `id` (at `expectedVersion`, else ABORTED) with `body`, sealed
    /// by the handler for the next version.
    func updateDraft(
        _ id: String, expectedVersion: Int, template: NoteTemplate, body: Data, for caller: Caller
    ) async throws -> NoteRecord {
        let now = nowMillis
        return try await write { db in
            var record = try ownDraft(db, id, expectedVersion: expectedVersion, caller: caller)
            record.version += 1
            record.template = template
            record.body = body
            record.updatedAt = now
            try db.cachedExecute(
                sql: """
                    UPDATE notes SET version = ?, template = ?, body = ?, updated_at = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [record.version, template.rawValue, body, now, caller.organization, id])
            try audit(db, Self.event("update", record, detail: "version \(record.version)"), by: caller)
            return record
        }
    }

    /// Signs the caller's draft `id` at `expectedVersion`: awaiting `supervisor`'s co-signature
    /// when one is given, signed otherwise.
    func sign(_ id: String, expectedVersion: Int, supervisor: String?, for caller: Caller) async throws
        -> NoteRecord
    {
        let now = nowMillis
        return try await write { db in
            var record = try ownDraft(db, id, expectedVersion: expectedVersion, caller: caller)
            record.status = supervisor == nil ? .signed : .awaitingCosignature
            record.supervisorID = supervisor
            record.signedAt = now
            record.updatedAt = now
            try db.cachedExecute(
                sql: """
                    UPDATE notes SET status = ?, supervisor_id = ?, signed_at = ?, updated_at = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [record.status.rawValue, supervisor, now, now, caller.organization, id])
            try audit(db, Self.event("sign", record, detail: record.status.rawValue), by: caller)
            return record
        }
    }

    /// The caller's draft `id` at `expectedVersion` (`NoteRecord.requireOwnDraft`).
    private func ownDraft(_ db: Database, _ id: String, expectedVersion: Int, caller: Caller) throws
        -> NoteRecord
    {
        let record = try note(db, id, organization: caller.organization)
        try record.requireOwnDraft(caller, expectedVersion: expectedVersion)
        return record
    }
}
