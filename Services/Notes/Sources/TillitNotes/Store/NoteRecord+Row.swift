import Foundation
import GRDB
import TillitStorage

extension NoteRecord {
    /// The columns `init(row:)` reads, in order.
    static let columns = """
        id, organization_id, client_id, author_id, kind, template, status, version, appointment_id, addendum_of,
        created_at, updated_at, signed_at, supervisor_id, cosigned_by, cosigned_at, cosign_key, return_comment,
        returned_at, body, wrapped_key, key_class, kek_version
        """

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let kind = NoteKind(rawValue: row[4]) else { throw NotesStoreError.corrupt("notes.kind") }
        guard let template = NoteTemplate(rawValue: row[5]) else {
            throw NotesStoreError.corrupt("notes.template")
        }
        guard let status = NoteStatus(rawValue: row[6]) else { throw NotesStoreError.corrupt("notes.status") }
        guard let keyClass = NoteKeyClass(rawValue: row[21]) else {
            throw NotesStoreError.corrupt("notes.key_class")
        }
        self.init(
            id: row[0], organization: row[1], clientID: row[2], authorID: row[3], kind: kind,
            template: template,
            status: status, version: row[7], appointmentID: row[8], addendumOf: row.nullable(9),
            createdAt: row[10], updatedAt: row[11], signedAt: row.nullable(12),
            supervisorID: row.nullable(13),
            cosignedBy: row.nullable(14), cosignedAt: row.nullable(15), cosignKey: row.nullable(16),
            returnComment: row.nullable(17), returnedAt: row.nullable(18),
            body: row[19],
            wrappedKey: WrappedKey(bytes: row[20], keyClass: keyClass, version: row[22]))
    }

    /// The arguments of an INSERT of every column of `columns`.
    var insertArguments: StatementArguments {
        [
            id, organization, clientID, authorID, kind.rawValue, template.rawValue, status.rawValue, version,
            appointmentID, addendumOf, createdAt, updatedAt, signedAt, supervisorID, cosignedBy, cosignedAt,
            cosignKey, returnComment, returnedAt, body, wrappedKey.bytes, wrappedKey.keyClass.rawValue,
            wrappedKey.version,
        ]
    }
}

extension CommentRecord {
    /// A record from a row of `id, note_id, author_id, created_at, body`.
    init(row: Row) {
        self.init(id: row[0], noteID: row[1], authorID: row[2], createdAt: row[3], body: row[4])
    }
}
