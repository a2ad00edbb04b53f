import Foundation

/// What a password login learns before hashing: whether it is throttled, the account the
/// e-mail names, and that account's current password.
struct LoginCandidate: Sendable {
    /// Whether the account, the address or the unknown-organisation subject is locked.
    var locked: Bool
    /// The account with this e-mail in the organisation, if any.
    var account: AccountRecord?
    /// Its current password hash, if it has one.
    var password: PasswordHash?
}
