import Foundation

/// A validated client account to create.
struct NewClientInput: Sendable {
    /// Login e-mail, lower case; nil for a client who does not sign in.
    var email: String?
    /// Display name.
    var displayName: String
    /// IANA time zone (may be empty).
    var timeZone: String
    /// BCP 47 language tags.
    var languages: [String]
}
