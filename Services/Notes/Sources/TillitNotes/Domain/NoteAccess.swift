import TillitServiceKit

/// Who may read a note, decided from the token's claims and the note's facts (docs/notes.md,
/// the matrix). What needs facts owned elsewhere — a colleague's care relationship (Booking)
/// and the client's consent (Identity) — is `.colleagueIfConsented`, checked by the handler on
/// every read.
public enum NoteAccess: Sendable, Equatable {
    /// Readable on this basis.
    case allowed(ReadBasis)
    /// Readable by this practitioner if Booking says they have a care relationship with the
    /// client and Identity that the client's `share_with_practitioner` consent names them.
    case colleagueIfConsented
    /// PERMISSION_DENIED with this reason: the caller may know the note exists.
    case denied(String)
    /// NOT_FOUND: the caller must not learn the note exists (another author's draft or process
    /// note, another client's note).
    case hidden

    /// The decision for `caller` reading `note`.
    public static func decide(_ note: NoteRecord, caller: Caller) -> NoteAccess {
        if caller.isStaff, note.authorID == caller.id { return .allowed(.author) }
        // Process notes: the author alone; to anyone else they do not exist.
        guard note.kind.isRecord else { return .hidden }
        guard note.status != .draft else { return .hidden }
        if caller.isClient {
            return note.clientID == caller.id && note.status.isFinal ? .allowed(.client) : .hidden
        }
        guard caller.isStaff else { return .denied("service accounts do not read notes") }
        if note.status == .awaitingCosignature, note.supervisorID == caller.id {
            return .allowed(.supervisor)
        }
        if caller.has(.practitioner) {
            guard note.status.isFinal else { return .denied("the note awaits its co-signature") }
            return .colleagueIfConsented
        }
        if caller.isAdmin { return .denied("admins read notes only through emergency access") }
        return .denied(
            "only the author, consented colleagues, the client and the co-signing supervisor read notes")
    }

    /// Whether `addendum` is shown to a reader on `basis` with its original: the author and the
    /// supervisor see every addendum, everyone else only final ones.
    public static func shows(_ addendum: NoteRecord, on basis: ReadBasis, caller: Caller) -> Bool {
        switch basis {
        case .author: true
        case .supervisor: addendum.status.isFinal || addendum.supervisorID == caller.id
        case .consentedColleague, .client, .emergency: addendum.status.isFinal
        }
    }
}
