/// Where a note is in its life (the schema's `notes_transitions` trigger allows only these
/// moves: draft → draft / signed / awaiting co-signature; awaiting → co-signed / draft).
public enum NoteStatus: String, Sendable, CaseIterable {
    /// Its author edits it.
    case draft
    /// Signed and locked.
    case signed
    /// Signed by a pre-licensed author; waits for the supervisor.
    case awaitingCosignature = "awaiting_cosignature"
    /// Co-signed by the author's supervisor.
    case cosigned

    /// Signed and not waiting for anyone: what the client, colleagues and exports see.
    public var isFinal: Bool {
        self == .signed || self == .cosigned
    }
}
