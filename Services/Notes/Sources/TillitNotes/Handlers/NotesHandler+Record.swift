import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension NotesHandler {
    func addComment(_ request: Tillit_Notes_V1_AddCommentRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_AddCommentResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        let text = try Validation.text(request.text, field: "text", max: configuration.maximumCommentBytes)
        guard !text.isEmpty else { throw ServiceError.invalid("text", "must not be empty") }
        guard text.utf8.count <= configuration.maximumCommentBytes else {
            throw ServiceError.invalid("text", "must be at most \(configuration.maximumCommentBytes) bytes")
        }
        let note = try await store.note(id, for: caller)
        guard NoteAccess.decide(note, caller: caller) == .allowed(.client) else {
            throw ServiceError.notFound("note")
        }
        guard note.kind == .shared else {
            throw ServiceError.failedPrecondition("comments are added to shared notes only")
        }
        let key = try cipher.unwrap(note.wrappedKey, organization: caller.organization, note: id)
        let commentID = NotesStore.newID()
        let body = try cipher.seal(
            Data(text.utf8), dataKey: key,
            context: NoteCipher.commentContext(
                organization: caller.organization, note: id, comment: commentID))
        let comment = try await store.addComment(
            CommentRecord(id: commentID, noteID: id, authorID: caller.id, createdAt: nowMillis, body: body),
            to: note,
            for: caller)
        return .with {
            $0.comment.id = comment.id
            $0.comment.noteID = id
            $0.comment.authorID.value = caller.id
            $0.comment.text = text
            $0.comment.createdAt = Tillit_Common_V1_Timestamp(millis: comment.createdAt)
        }
    }

    func exportRecord(_ request: Tillit_Notes_V1_ExportRecordRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_ExportRecordResponse
    {
        let caller = try Caller.current(context)
        let client: String
        var detail = ""
        if caller.isClient {
            client =
                request.clientID.value.isEmpty
                ? caller.id : try Self.accountID(request.clientID, field: "client_id")
            try caller.require(client == caller.id, "export another client's record")
        } else {
            try caller.require(caller.isAdmin, "export a client's record")
            client = try Self.accountID(request.clientID, field: "client_id")
            detail = "EMERGENCY reason: \(try Self.reason(request.reason))"
        }
        let readings = try await store.export(client: client, detail: detail, for: caller)
        return try .with {
            $0.clientID.value = client
            $0.notes = try readings.map(wire.view)
            $0.exportedAt = Tillit_Common_V1_Timestamp(millis: nowMillis)
        }
    }

    func listAccessLog(_ request: Tillit_Notes_V1_ListAccessLogRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_ListAccessLogResponse
    {
        let caller = try Caller.current(context)
        var auditRequest = Tillit_Identity_V1_ListAuditEventsRequest()
        auditRequest.page = request.page
        if caller.isClient {
            auditRequest.client.value = request.clientID.value.isEmpty ? caller.id : request.clientID.value
        } else {
            auditRequest.client.value = try Self.accountID(request.clientID, field: "client_id")
        }
        let (query, page) = try AuditRPC.query(auditRequest, caller: caller)
        let records = try await store.auditEvents(matching: query, for: caller)
        let (events, next) = page.split(records) { String($0.sequence) }
        return .with {
            $0.entries = events.map { record in
                .with {
                    $0.at = Tillit_Common_V1_Timestamp(millis: record.at)
                    $0.actor.value = record.actor.actor ?? ""
                    $0.via = record.actor.via ?? ""
                    $0.action = record.event.action
                    $0.noteID = record.event.subject ?? ""
                    $0.outcome = record.event.outcome.rawValue.uppercased()
                    $0.emergency =
                        record.event.detail.hasPrefix("EMERGENCY")
                        || record.event.detail.contains("; EMERGENCY")
                    $0.requestID = record.actor.requestID
                }
            }
            $0.page = next
        }
    }

    func rewrapKeys(_ request: Tillit_Notes_V1_RewrapKeysRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_RewrapKeysResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "rewrap data keys")
        guard request.batchSize <= 10_000 else {
            throw ServiceError.invalid("batch_size", "must be at most 10000")
        }
        let batch = request.batchSize == 0 ? 1000 : Int(request.batchSize)
        let (rewrapped, remaining) = try await store.rewrap(batch: batch, cipher: cipher, for: caller)
        return .with {
            $0.rewrapped = UInt64(rewrapped)
            $0.remaining = UInt64(remaining)
            $0.keyVersion = UInt32(cipher.keys.currentVersion(.clinical))
            $0.processKeyVersion = UInt32(cipher.keys.currentVersion(.process))
        }
    }

    func listAuditEvents(_ request: Tillit_Identity_V1_ListAuditEventsRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_ListAuditEventsResponse
    {
        try await AuditRPC.listAuditEvents(request, caller: try Caller.current(context), store: store)
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        try await AuditRPC.verifyAuditChain(request, caller: try Caller.current(context), store: store)
    }

    func getAuditCheckpoint(_ request: Tillit_Identity_V1_GetAuditCheckpointRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        try await AuditRPC.auditCheckpoint(caller: try Caller.current(context), store: store)
    }
}
