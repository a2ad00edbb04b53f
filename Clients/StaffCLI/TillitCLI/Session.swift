import Foundation

/// What `tillit login` keeps between commands: who is signed in where, and the tokens.
struct Session: Codable, Sendable, Equatable {
    /// Identity's `host:port` at login.
    var identityAddress: String
    /// The organisation signed in to.
    var organizationID: String
    /// The signed-in account.
    var accountID: String
    /// Its e-mail.
    var email: String
    /// Its display name.
    var displayName: String
    /// The signed access token, sent as `authorization: Bearer …`.
    var accessToken: String
    /// When the access token expires.
    var accessTokenExpiresAt: Date
    /// The refresh token (usable once).
    var refreshToken: String
    /// When the refresh token expires.
    var refreshTokenExpiresAt: Date
    /// Whether the account must enrol TOTP before anything else (admins and supervisors).
    var totpEnrolmentRequired: Bool

    /// Whether the access token expires within `margin` of `now`.
    func accessTokenExpires(within margin: TimeInterval, now: Date = Date()) -> Bool {
        accessTokenExpiresAt.timeIntervalSince(now) < margin
    }
}
