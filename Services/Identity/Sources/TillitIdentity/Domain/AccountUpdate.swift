import Foundation
import TillitServiceKit

/// A validated change to an account: nil fields stay as they are.
struct AccountUpdate: Sendable {
    /// A staff profile, replacing the stored one.
    struct Staff: Sendable {
        /// Discipline (may be empty).
        var discipline: String
        /// BCP 47 language tags.
        var languages: [String]
        /// The licence status, if any.
        var licence: LicenceStatus?
        /// The supervising account of a pre-licensed practitioner.
        var supervisor: String?
    }

    /// A client profile, replacing the stored one.
    struct Client: Sendable {
        /// IANA time zone (may be empty).
        var timeZone: String
        /// BCP 47 language tags.
        var languages: [String]
    }

    /// A new display name.
    var displayName: String?
    /// A new login e-mail (admins only).
    var email: String?
    /// A new staff profile (staff accounts only).
    var staff: Staff?
    /// A new client profile (client accounts only).
    var client: Client?
}
