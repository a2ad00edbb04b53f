import Crypto
import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Notes' rpcs: each handler takes the caller (`Caller.current`), validates the request,
/// decides who may do what (`NoteAccess`, plus Booking's care relationship and Identity's
/// consent for colleagues, relayed with the caller's token), calls one store method and maps
/// the result to the wire, encrypting and decrypting with `NoteCipher` on this side of the
/// store. The groups are in `NotesHandler+<Group>.swift`.
struct NotesHandler: Tillit_Notes_V1_NotesService {
    /// The transactions.
    let store: NotesStore
    /// Booking and Identity.
    let dependencies: NotesDependencies
    /// Envelope encryption.
    let cipher: NoteCipher
    /// Notes' settings.
    let configuration: NotesConfiguration

    /// Now, in milliseconds.
    var nowMillis: Int64 { store.nowMillis }

    /// A required note id field.
    static func noteID(_ value: String, field: String = "note_id") throws -> String {
        try Validation.id(value, field: field)
    }

    /// A required account id field.
    static func accountID(_ id: Tillit_Common_V1_AccountId, field: String) throws -> String {
        try Validation.id(id.value, field: field)
    }

    /// PERMISSION_DENIED unless Booking says the caller has a care relationship with `client`
    /// (UNAVAILABLE when Booking cannot say: nothing is written).
    func requireCareRelationship(with client: String, caller: Caller) async throws {
        let active = try await dependencies.hasCareRelationship(practitioner: caller.id, client: client)
        try caller.require(active, "write notes for a client without a care relationship (Booking)")
    }

    /// Whether a colleague may read `client`'s record now: a care relationship (Booking) and the
    /// client's `share_with_practitioner` consent naming them (Identity), asked together.
    func colleagueMayRead(client: String, caller: Caller) async throws -> Bool {
        async let care = dependencies.hasCareRelationship(practitioner: caller.id, client: client)
        async let consent = dependencies.sharesRecord(client: client, with: caller.id)
        let (hasCare, consented) = try await (care, consent)
        return hasCare && consented
    }

    /// The SHA-256 of `request` without its idempotency key, to tell a replay from a reuse.
    static func requestHash(_ request: Tillit_Notes_V1_CreateNoteRequest) throws -> Data {
        var copy = request
        copy.idempotencyKey = ""
        return Data(SHA256.hash(data: try copy.serializedBytes() as [UInt8]))
    }
}
