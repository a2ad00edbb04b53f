import Foundation

/// What a password login learns before hashing: its reservation (nil while throttled), the
/// account the e-mail names, and that account's current password.
struct LoginCandidate: Sendable {
    /// The counted attempt, or nil when the source, the pair or the account rate refused it.
    var reservation: LoginReservation?
    /// The account with this e-mail in the organisation, if any.
    var account: AccountRecord?
    /// Its current password hash, if it has one.
    var password: PasswordHash?
}
