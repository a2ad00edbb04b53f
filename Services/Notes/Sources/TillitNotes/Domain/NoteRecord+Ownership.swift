import TillitServiceKit

extension NoteRecord {
    /// Throws unless `caller` is the author: NOT_FOUND for another author's draft or process
    /// note (the caller must not learn it exists), PERMISSION_DENIED for another author's
    /// signed record note.
    public func requireAuthor(_ caller: Caller, to what: String) throws {
        guard authorID == caller.id, caller.isStaff else {
            if status == .draft || !kind.isRecord || caller.isClient { throw ServiceError.notFound("note") }
            throw ServiceError.denied("only the author may \(what)")
        }
    }

    /// Throws unless this is the caller's draft at `expectedVersion`: as `requireAuthor`, then
    /// FAILED_PRECONDITION when signed, ABORTED at another version.
    public func requireOwnDraft(_ caller: Caller, expectedVersion: Int) throws {
        try requireAuthor(caller, to: "change a note")
        guard status == .draft else {
            throw ServiceError.failedPrecondition(
                "the note is \(status.rawValue) and locked; add an addendum")
        }
        guard version == expectedVersion else {
            throw ServiceError.aborted(
                "the draft is at version \(version), not \(expectedVersion); read it again")
        }
    }
}
