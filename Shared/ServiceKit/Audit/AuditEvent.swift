/// What happened, for the audit trail: the action and what it concerned. Who acted, for whom,
/// through which service and in which call come from the `AuditActor`, never from the handler.
public struct AuditEvent: Sendable, Equatable {
    /// How the audited action ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// It was done.
        case success
        /// It was attempted and failed (e.g. a wrong password).
        case failure
        /// The caller was not allowed.
        case denied
    }

    /// Dotted lower case, e.g. `login`, `roles.set`, `note.read`.
    public var action: String
    /// How it ended.
    public var outcome: Outcome
    /// The account (or record) acted upon.
    public var subject: String?
    /// The client whose data was concerned.
    public var client: String?
    /// Non-secret details, at most 4,000 characters (longer text is cut).
    public var detail: String

    /// An event; `detail` is cut to 4,000 characters.
    public init(
        _ action: String, outcome: Outcome = .success, subject: String? = nil, client: String? = nil,
        detail: String = ""
    ) {
        self.action = action
        self.outcome = outcome
        self.subject = subject
        self.client = client
        self.detail = String(detail.prefix(4000))
    }
}
