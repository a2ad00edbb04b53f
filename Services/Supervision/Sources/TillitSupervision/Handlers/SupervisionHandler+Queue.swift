import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension SupervisionHandler {
    func listQueue(_ request: Tillit_Supervision_V1_ListQueueRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_ListQueueResponse
    {
        let caller = try Caller.current(context)
        // Notes answers with the caller's token: only notes whose recorded supervisor is the
        // caller, so another supervisor's supervisees never appear.
        let answer = try await dependencies.awaitingCosignature(request.page)
        try await store.recordQueueRead(count: answer.notes.count, for: caller)
        return .with {
            $0.notes = answer.notes
            $0.page = answer.page
        }
    }

    func approveNote(_ request: Tillit_Supervision_V1_ApproveNoteRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_ApproveNoteResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.noteID, field: "note_id")
        let key = try Validation.name(request.requestKey, field: "request_key", max: 100)
        // Notes first: when it cannot co-sign (down, refused), nothing is recorded here. A retry
        // with the same key is answered by Notes as the first was, and recorded once here.
        let note = try await dependencies.cosign(id, key: key)
        try await store.recordReview(
            of: id, approved: true, requestKey: key, client: note.clientID.value.nonEmpty, for: caller)
        return .with { $0.note = note }
    }

    func returnNote(_ request: Tillit_Supervision_V1_ReturnNoteRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_ReturnNoteResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.noteID, field: "note_id")
        let comment = try Self.requiredText(request.comment, field: "comment", max: 10_000)
        let note = try await dependencies.returnNote(id, comment: comment)
        try await store.recordReview(
            of: id, approved: false, requestKey: "", client: note.clientID.value.nonEmpty, for: caller)
        return .with { $0.note = note }
    }
}

extension String {
    /// Nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
