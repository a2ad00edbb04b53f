import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension NotesHandler {
    func listAwaitingCosignature(
        _ request: Tillit_Notes_V1_ListAwaitingCosignatureRequest, context: ServerContext
    ) async throws -> Tillit_Notes_V1_ListAwaitingCosignatureResponse {
        let caller = try Caller.current(context)
        let page = try Page(request.page, maximum: 200)
        let rows = try await store.awaitingCosignature(page: page, for: caller)
        let (notes, next) = page.split(rows) { "\($0.signedAt ?? 0)/\($0.id)" }
        return .with {
            $0.notes = notes.map(NotesWire.summary)
            $0.page = next
        }
    }

    func cosignNote(_ request: Tillit_Notes_V1_CosignNoteRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_CosignNoteResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        let key = try Validation.name(request.requestKey, field: "request_key", max: 100)
        let record = try await store.note(id, for: caller)
        guard record.supervisorID == caller.id, record.kind.isRecord else {
            throw ServiceError.notFound("note")
        }
        if record.status == .awaitingCosignature {
            try await requireCurrentSupervisor(of: record, caller: caller)
        }
        let (note, _) = try await store.cosign(id, key: key, for: caller)
        return .with { $0.note = NotesWire.summary(note) }
    }

    func returnNote(_ request: Tillit_Notes_V1_ReturnNoteRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_ReturnNoteResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        let comment = try Validation.text(
            request.comment, field: "comment", max: configuration.maximumCommentBytes)
        guard !comment.isEmpty else { throw ServiceError.invalid("comment", "must say what to change") }
        guard comment.utf8.count <= configuration.maximumCommentBytes else {
            throw ServiceError.invalid(
                "comment", "must be at most \(configuration.maximumCommentBytes) bytes")
        }
        let record = try await store.note(id, for: caller)
        guard record.supervisorID == caller.id, record.kind.isRecord else {
            throw ServiceError.notFound("note")
        }
        if record.status == .awaitingCosignature {
            try await requireCurrentSupervisor(of: record, caller: caller)
        }
        // Unwrapped here, not on the writer: a rewrap changes the wrapping, never the data key.
        let cipher = self.cipher
        let key = try cipher.unwrap(record.wrappedKey, organization: record.organization, note: record.id)
        let returned = try await store.returnToDraft(id, for: caller) { note, at in
            try cipher.seal(
                Data(comment.utf8), dataKey: key,
                context: NoteCipher.returnContext(
                    organization: note.organization, note: note.id, returnedAt: at))
        }
        return .with {
            $0.note = NotesWire.summary(returned)
            $0.note.returnComment = comment
        }
    }

    /// PERMISSION_DENIED unless Identity still names the caller as `note`'s author's supervisor.
    func requireCurrentSupervisor(of note: NoteRecord, caller: Caller) async throws {
        let current = try await dependencies.supervisor(of: note.authorID)
        try caller.require(
            current == caller.id, "co-sign: Identity no longer names you as the author's supervisor")
    }
}
