import Foundation
import GRDB
import TillitStorage

extension NoteRecord {
    /// The columns `init(columns:)` reads, in order.
    static let columns = """
        id, organization_id, client_id, author_id, kind, template, status, version, appointment_id, addendum_of,
        created_at, updated_at, signed_at, supervisor_id, cosigned_by, cosigned_at, cosign_key, return_comment,
        returned_at, body, wrapped_key, key_class, kek_version
        """

    /// A record from a row of `columns` (further columns after them are not read).
    init(columns row: StatementColumns) throws {
        guard let kind = NoteKind(rawValue: try row.value(4)) else {
            throw NotesStoreError.corrupt("notes.kind")
        }
        guard let template = NoteTemplate(rawValue: try row.value(5)) else {
            throw NotesStoreError.corrupt("notes.template")
        }
        guard let status = NoteStatus(rawValue: try row.value(6)) else {
            throw NotesStoreError.corrupt("notes.status")
        }
        guard let keyClass = NoteKeyClass(rawValue: try row.value(21)) else {
            throw NotesStoreError.corrupt("notes.key_class")
        }
        self.init(
            id: try row.value(0), organization: try row.value(1), clientID: try row.value(2),
            authorID: try row.value(3), kind: kind, template: template, status: status,
            version: try row.value(7), appointmentID: try row.value(8), addendumOf: row.nullable(9),
            createdAt: try row.value(10), updatedAt: try row.value(11), signedAt: row.nullable(12),
            supervisorID: row.nullable(13), cosignedBy: row.nullable(14), cosignedAt: row.nullable(15),
            cosignKey: row.nullable(16), returnComment: row.nullable(17), returnedAt: row.nullable(18),
            body: try row.value(19),
            wrappedKey: WrappedKey(bytes: try row.value(20), keyClass: keyClass, version: try row.value(22)))
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
    init(columns row: StatementColumns) throws {
        self.init(
            id: try row.value(0), noteID: try row.value(1), authorID: try row.value(2),
            createdAt: try row.value(3), body: try row.value(4))
    }
}
