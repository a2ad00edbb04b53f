import Foundation

/// One event for the audit trail, before the chain gives it a position and hash.
struct AuditEntry: Sendable {
    /// How the audited action ended.
    enum Outcome: String, Sendable {
        case success, failure, denied
    }

    /// Who acted (nil for an anonymous caller).
    var actor: String?
    /// The account the actor acted for.
    var onBehalfOf: String?
    /// Dotted lower case, e.g. `login`, `roles.set`.
    var action: String
    /// How it ended.
    var outcome: Outcome
    /// The account acted upon.
    var subject: String?
    /// The client whose data was concerned.
    var client: String?
    /// Non-secret details.
    var detail: String

    init(
        actor: String?, onBehalfOf: String? = nil, action: String, outcome: Outcome = .success,
        subject: String? = nil, client: String? = nil, detail: String = ""
    ) {
        self.actor = actor
        self.onBehalfOf = onBehalfOf
        self.action = action
        self.outcome = outcome
        self.subject = subject
        self.client = client
        self.detail = String(detail.prefix(4000))
    }
}
