import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension NotesStore {
    /// Rewraps up to `batch` of the caller's organisation's data keys that are not under their
    /// class's current key version, in one transaction (so an interrupted run loses nothing and
    /// the next call continues); answers how many were rewrapped and how many remain.
    func rewrap(batch: Int, cipher: NoteCipher, for caller: Caller) async throws -> (
        rewrapped: Int, remaining: Int
    ) {
        let clinical = cipher.keys.currentVersion(.clinical)
        let process = cipher.keys.currentVersion(.process)
        let organization = caller.organization
        return try await write { db in
            let rows = try db.cachedRows(
                sql: """
                    SELECT id, wrapped_key, key_class, kek_version FROM notes
                    WHERE organization_id = ?1
                      AND ((key_class = 'clinical' AND kek_version != ?2) OR (key_class = 'process' AND kek_version != ?3))
                    LIMIT ?4
                    """,
                arguments: [organization, clinical, process, batch])
            for row in rows {
                let id: String = row[0]
                guard let keyClass = NoteKeyClass(rawValue: row[2]) else {
                    throw NotesStoreError.corrupt("notes.key_class")
                }
                let wrapped = WrappedKey(bytes: row[1], keyClass: keyClass, version: row[3])
                let next = try cipher.rewrap(wrapped, organization: organization, note: id)
                try db.cachedExecute(
                    sql:
                        "UPDATE notes SET wrapped_key = ?, kek_version = ? WHERE organization_id = ? AND id = ?",
                    arguments: [next.bytes, next.version, organization, id])
            }
            let remaining =
                try db.cachedValue(
                    Int.self,
                    sql: """
                        SELECT count(*) FROM notes WHERE organization_id = ?1
                          AND ((key_class = 'clinical' AND kek_version != ?2) OR (key_class = 'process' AND kek_version != ?3))
                        """,
                    arguments: [organization, clinical, process]) ?? 0
            if !rows.isEmpty {
                try audit(
                    db,
                    AuditEvent(
                        "notes.rewrap",
                        detail:
                            "\(rows.count) data keys to versions \(clinical)/\(process); \(remaining) remain"),
                    by: caller)
            }
            return (rows.count, remaining)
        }
    }
}
