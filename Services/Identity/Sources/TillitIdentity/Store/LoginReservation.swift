import Foundation

/// What a reserved password check counted, so that its outcome can settle it: a success gives
/// the counts back, a failure may lock.
struct LoginReservation: Sendable {
    /// The subjects.
    var throttle: LoginThrottle
    /// Whether the attempt was counted against the account-wide rate (it is not from a source
    /// the account recently signed in from).
    var countedOnAccount: Bool
}
