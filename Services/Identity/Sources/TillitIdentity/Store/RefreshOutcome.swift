import Foundation

/// What presenting a refresh token led to.
enum RefreshOutcome: Sendable {
    /// Rotated: the account (still active) and the replacement token.
    case rotated(AccountRecord, IssuedRefreshToken)
    /// The token had already been rotated: its whole family is now revoked.
    case reused(account: String, organization: String, family: String)
    /// Unknown, expired, revoked, or the account is deactivated.
    case invalid
}
