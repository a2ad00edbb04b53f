import Foundation

/// The throttle subjects one password check (a login, or ChangePassword's current password)
/// counts against: the source bucket, the (account, source) pair and the account.
struct LoginThrottle: Sendable {
    /// The source's bucket (`SourceBucket.key`).
    var source: String
    /// `<organisation>/<e-mail>`, whether or not such an account or organisation exists, so
    /// unknown e-mails are throttled exactly like known ones.
    var account: String
    /// The organisation the e-mail was tried at.
    var organization: String

    /// The subjects of a check of `email` (normalised) at `organization` from `address`.
    init(organization: String, email: String, address: String) {
        source = SourceBucket.key(address)
        account = "\(organization)/\(email)"
        self.organization = organization
    }

    /// The pair's subject.
    var pair: String { "\(account) \(source)" }
}
