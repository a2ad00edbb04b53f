import TillitContracts
import TillitServiceKit

/// Who may call each Notes method at all — docs/notes.md's authorisation matrix at the level of
/// account kinds and roles, enforced before the handler runs. The handlers then apply the finer
/// cells (the author, a consented colleague with a care relationship, the client's own record,
/// the co-signing supervisor) from the note's facts, Booking and Identity. The matrix test
/// iterates this table.
public enum NotesAccessPolicy {
    private typealias M = Tillit_Notes_V1_Notes.Method

    /// The table; Notes has no `@public` rpc (Health is the host's).
    public static let policy = AccessPolicy([
        M.createNote: .staff(.practitioner),
        M.updateDraft: .staff(.practitioner),
        M.signNote: .staff(.practitioner),
        M.addAddendum: .staff(.practitioner),
        // Admins are let through to be told (and audited) that they need emergency access.
        M.getNote: .staff(.practitioner, .supervisor, .admin) | .clients,
        M.listNotes: .staff(.practitioner) | .clients,
        M.listStaleDrafts: .staff(.practitioner),
        M.addComment: .clients,
        M.listAwaitingCosignature: .staff(.supervisor),
        M.cosignNote: .staff(.supervisor),
        M.returnNote: .staff(.supervisor),
        M.emergencyAccess: .staff(.admin),
        M.exportRecord: .staff(.admin) | .clients,
        M.listAccessLog: .staff(.admin) | .clients,
        M.rewrapKeys: .staff(.admin),
        M.listAuditEvents: .staff(.admin) | .clients,
        M.verifyAuditChain: .staff(.admin),
        M.getAuditCheckpoint: .staff(.admin),
    ])
}
