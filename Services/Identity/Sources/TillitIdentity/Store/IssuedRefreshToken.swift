import Foundation

/// A new refresh token: the opaque text handed out once, and when it expires.
struct IssuedRefreshToken: Sendable {
    /// The token's text, handed to the client once and never stored.
    var token: String
    /// The session (refresh-token family) it belongs to.
    var family: String
    /// When it expires, in milliseconds since the epoch.
    var expiresAt: Int64
}
