import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension NotesHandler {
    func getNote(_ request: Tillit_Notes_V1_GetNoteRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_GetNoteResponse
    {
        let caller = try Caller.current(context)
        let id = try Self.noteID(request.noteID)
        // One transaction decides, reads and records when the note itself settles it.
        let (direct, record) = try await store.readDeciding(id, for: caller)
        if let direct {
            let view = try wire.view(direct)
            return .with { $0.view = view }
        }
        let decision = NoteAccess.decide(record, caller: caller)
        if case .denied(let why) = decision { throw ServiceError.denied(why) }  // recorded already
        let basis = try await readBasis(record, decision: decision, caller: caller)
        let reading = try await store.read(id, basis: basis, for: caller) {
            NoteAccess.decide($0, caller: caller) == decision
        }
        let view = try wire.view(reading)
        return .with { $0.view = view }
    }

    /// The basis `decision` grants, asking Booking and Identity for a colleague; a refusal is
    /// recorded (outcome denied) before PERMISSION_DENIED, a hidden note is NOT_FOUND.
    func readBasis(_ record: NoteRecord, decision: NoteAccess, caller: Caller) async throws -> ReadBasis {
        switch decision {
        case .allowed(let basis):
            return basis
        case .hidden:
            throw ServiceError.notFound("note")
        case .denied(let why):
            try await store.recordRefusedRead(record, reason: why, for: caller)
            throw ServiceError.denied(why)
        case .colleagueIfConsented:
            if try await colleagueMayRead(client: record.clientID, caller: caller) {
                return .consentedColleague
            }
            let why =
                "reading another practitioner's note needs a care relationship with the client and the client's consent to share their record with you"
            try await store.recordRefusedRead(record, reason: why, for: caller)
            throw ServiceError.denied(why)
        }
    }

    func listNotes(_ request: Tillit_Notes_V1_ListNotesRequest, context: ServerContext) async throws
        -> Tillit_Notes_V1_ListNotesResponse
    {
        let caller = try Caller.current(context)
        let page = try Page(request.page, maximum: 200)
        let range =
            request.hasDuring ? try request.during.validMillis(field: "during", maximumDays: 731) : nil
        let rows: [NoteRecord]
        if caller.isClient {
            let client =
                request.clientID.value.isEmpty
                ? caller.id : try Self.accountID(request.clientID, field: "client_id")
            try caller.require(client == caller.id, "list another client's notes")
            rows = try await store.notes(
                ofClient: client, range: range, ownBy: nil, othersFinal: true, page: page, for: caller)
        } else {
            try caller.require(caller.has(.practitioner), "list notes")
            let client = try Self.accountID(request.clientID, field: "client_id")
            let others = request.mineOnly ? false : try await colleagueMayRead(client: client, caller: caller)
            rows = try await store.notes(
                ofClient: client, range: range, ownBy: caller.id, othersFinal: others, page: page, for: caller
            )
        }
        let (notes, next) = page.split(rows) { "\($0.createdAt)/\($0.id)" }
        return .with {
            $0.notes = notes.map(NotesWire.summary)
            $0.page = next
        }
    }

    func listStaleDrafts(_ request: Tillit_Notes_V1_ListStaleDraftsRequest, context: ServerContext)
        async throws
        -> Tillit_Notes_V1_ListStaleDraftsResponse
    {
        let caller = try Caller.current(context)
        guard request.olderThanDays <= 3650 else {
            throw ServiceError.invalid("older_than_days", "must be at most 3650")
        }
        let days = request.olderThanDays == 0 ? 7 : Int64(request.olderThanDays)
        let page = try Page(request.page, maximum: 200)
        let rows = try await store.staleDrafts(before: nowMillis - days * 86_400_000, page: page, for: caller)
        let (notes, next) = page.split(rows) { "\($0.updatedAt)/\($0.id)" }
        return .with {
            $0.notes = notes.map(NotesWire.summary)
            $0.page = next
        }
    }

    func emergencyAccess(_ request: Tillit_Notes_V1_EmergencyAccessRequest, context: ServerContext)
        async throws
        -> Tillit_Notes_V1_EmergencyAccessResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "use emergency access")
        let id = try Self.noteID(request.noteID)
        let reason = try Self.reason(request.reason)
        let record = try await store.note(id, for: caller)
        // Process notes are the author's alone, drafts are not part of the record yet.
        let readable: @Sendable (NoteRecord) -> Bool = { $0.kind.isRecord && $0.status != .draft }
        guard readable(record) else { throw ServiceError.notFound("note") }
        let reading = try await store.read(
            id, basis: .emergency, action: "emergency_access", detail: "EMERGENCY reason: \(reason)",
            for: caller,
            stillAllowed: readable)
        let view = try wire.view(reading)
        return .with { $0.view = view }
    }

    /// A stated reason: 10–1,000 characters.
    static func reason(_ text: String, field: String = "reason") throws -> String {
        let reason = try Validation.text(text, field: field, max: 1000)
        guard reason.count >= 10 else {
            throw ServiceError.invalid(field, "must say why, in at least 10 characters")
        }
        return reason
    }
}
