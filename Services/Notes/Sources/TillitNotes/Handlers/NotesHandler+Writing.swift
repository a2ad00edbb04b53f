import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension NotesHandler {
    /// The wire mapping.
    var wire: NotesWire { NotesWire(cipher: cipher, configuration: configuration) }

    func createNote(_ request: Tillit_Notes_V1_CreateNoteRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_CreateNoteResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.has(.practitioner), "write notes")
        let client = try Self.accountID(request.clientID, field: "client_id")
        let kind = try NotesWire.kind(request.kind)
        let (template, bytes) = try wire.body(request.body, forSigning: request.sign)
        let appointment =
            request.appointmentID.isEmpty
            ? "" : try Validation.id(request.appointmentID, field: "appointment_id")
        let key =
            request.idempotencyKey.isEmpty
            ? nil : try Validation.name(request.idempotencyKey, field: "idempotency_key", max: 100)
        let hash = key == nil ? nil : try Self.requestHash(request)
        if let key, let hash,
            let earlier = try await store.replayedCreate(key: key, requestHash: hash, for: caller)
        {
            return .with { $0.note = NotesWire.summary(earlier) }
        }
        try await requireCareRelationship(with: client, caller: caller)
        let supervisor = request.sign ? try await supervisorIfNeeded(kind: kind, caller: caller) : nil
        let id = NotesStore.newID()
        let now = nowMillis
        let (body, wrapped) = try seal(bytes, note: id, version: 1, kind: kind, caller: caller)
        let record = NoteRecord(
            id: id, organization: caller.organization, clientID: client, authorID: caller.id, kind: kind,
            template: template,
            status: request.sign ? (supervisor == nil ? .signed : .awaitingCosignature) : .draft,
            version: 1, appointmentID: appointment, addendumOf: nil, createdAt: now, updatedAt: now,
            signedAt: request.sign ? now : nil, supervisorID: supervisor, cosignedBy: nil, cosignedAt: nil,
            cosignKey: nil, returnComment: nil, returnedAt: nil, body: body, wrappedKey: wrapped)
        let stored = try await store.create(record, idempotencyKey: key, requestHash: hash, for: caller)
        return .with {
            $0.note = NotesWire.summary(stored)
            $0.note.body = request.body
        }
    }

    func updateDraft(_ request: Tillit_Notes_V1_UpdateDraftRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_UpdateDraftResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        let version = try Self.expectedVersion(request.expectedVersion)
        let (template, bytes) = try wire.body(request.body, forSigning: false)
        let current = try await store.note(id, for: caller)
        try current.requireOwnDraft(caller, expectedVersion: version)
        try await requireCareRelationship(with: current.clientID, caller: caller)
        let key = try cipher.unwrap(current.wrappedKey, organization: caller.organization, note: id)
        let body = try cipher.seal(
            bytes, dataKey: key,
            context: NoteCipher.bodyContext(organization: caller.organization, note: id, version: version + 1)
        )
        let updated = try await store.updateDraft(
            id, expectedVersion: version, template: template, body: body, for: caller)
        return .with {
            $0.note = NotesWire.summary(updated)
            $0.note.body = request.body
        }
    }

    func signNote(_ request: Tillit_Notes_V1_SignNoteRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_SignNoteResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        let version = try Self.expectedVersion(request.expectedVersion)
        let current = try await store.note(id, for: caller)
        try current.requireOwnDraft(caller, expectedVersion: version)
        // What is signed must be complete: the stored body is checked as a signing body.
        let key = try cipher.unwrap(current.wrappedKey, organization: caller.organization, note: id)
        let body = try wire.openBody(current, dataKey: key)
        _ = try wire.body(body, forSigning: true)
        try await requireCareRelationship(with: current.clientID, caller: caller)
        let supervisor = try await supervisorIfNeeded(kind: current.kind, caller: caller)
        let signed = try await store.sign(id, expectedVersion: version, supervisor: supervisor, for: caller)
        return .with {
            $0.note = NotesWire.summary(signed)
            $0.note.body = body
        }
    }

    func addAddendum(_ request: Tillit_Notes_V1_AddAddendumRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_AddAddendumResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        let (template, bytes) = try wire.body(request.body, forSigning: true)
        let original = try await store.note(id, for: caller)
        try original.requireAuthor(caller, to: "add an addendum")
        guard original.status != .draft else {
            throw ServiceError.failedPrecondition("the note is a draft; edit it instead")
        }
        guard original.addendumOf == nil else {
            throw ServiceError.failedPrecondition("add the addendum to the original note")
        }
        try await requireCareRelationship(with: original.clientID, caller: caller)
        let supervisor = try await supervisorIfNeeded(kind: original.kind, caller: caller)
        let addendumID = NotesStore.newID()
        let now = nowMillis
        let (body, wrapped) = try seal(
            bytes, note: addendumID, version: 1, kind: original.kind, caller: caller)
        let record = NoteRecord(
            id: addendumID, organization: caller.organization, clientID: original.clientID,
            authorID: caller.id,
            kind: original.kind, template: template,
            status: supervisor == nil ? .signed : .awaitingCosignature,
            version: 1, appointmentID: original.appointmentID, addendumOf: original.id, createdAt: now,
            updatedAt: now, signedAt: now, supervisorID: supervisor, cosignedBy: nil, cosignedAt: nil,
            cosignKey: nil,
            returnComment: nil, returnedAt: nil, body: body, wrappedKey: wrapped)
        let stored = try await store.addAddendum(record, for: caller)
        return .with {
            $0.addendum = NotesWire.summary(stored)
            $0.addendum.body = request.body
        }
    }

    /// The supervisor who must co-sign what the caller signs: for a pre-licensed author's
    /// session and shared notes, the one Identity names (FAILED_PRECONDITION when none); nil
    /// for licensed authors and process notes.
    func supervisorIfNeeded(kind: NoteKind, caller: Caller) async throws -> String? {
        guard kind.isRecord, caller.principal.licence == .preLicensed else { return nil }
        guard let supervisor = try await dependencies.supervisor(of: caller.id) else {
            throw ServiceError.failedPrecondition(
                "Identity names no supervisor for you; a pre-licensed practitioner's notes need one")
        }
        return supervisor
    }

    /// `bytes` sealed as version `version` of note `note` under a new data key, and that key
    /// wrapped for `kind`.
    func seal(_ bytes: Data, note: String, version: Int, kind: NoteKind, caller: Caller) throws
        -> (body: Data, key: WrappedKey)
    {
        let dataKey = cipher.newDataKey()
        let body = try cipher.seal(
            bytes, dataKey: dataKey,
            context: NoteCipher.bodyContext(organization: caller.organization, note: note, version: version))
        let wrapped = try cipher.wrap(
            dataKey, keyClass: kind.keyClass, organization: caller.organization, note: note)
        return (body, wrapped)
    }

    /// A required `expected_version` (≥ 1).
    static func expectedVersion(_ value: UInt32) throws -> Int {
        guard value >= 1 else {
            throw ServiceError.invalid("expected_version", "must be the version you read (≥ 1)")
        }
        return Int(value)
    }
}
