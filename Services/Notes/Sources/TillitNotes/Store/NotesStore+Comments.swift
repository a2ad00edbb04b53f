import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension NotesStore {
    /// Adds the caller's comment `comment` to a shared note of their own record (the schema
    /// refuses one on anything but a signed shared note).
    func addComment(_ comment: CommentRecord, to note: NoteRecord, for caller: Caller) async throws
        -> CommentRecord
    {
        try await write { db in
            try db.cachedExecute(
                sql: """
                    INSERT INTO note_comments (organization_id, id, note_id, author_id, created_at, body)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, comment.id, comment.noteID, comment.authorID, comment.createdAt,
                    comment.body,
                ])
            try audit(db, Self.event("comment", note, detail: "comment \(comment.id)"), by: caller)
            return comment
        }
    }
}
