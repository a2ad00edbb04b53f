import Foundation
import TillitServiceKit

/// A validated staff account to create (the first admin, or one an admin adds).
struct NewStaffInput: Sendable {
    /// Login e-mail, lower case.
    var email: String
    /// Display name.
    var displayName: String
    /// Sorted, de-duplicated roles.
    var roles: [Role]
    /// Discipline (may be empty).
    var discipline: String = ""
    /// BCP 47 language tags.
    var languages: [String] = []
    /// The licence status, if any.
    var licence: LicenceStatus?
    /// The supervising account of a pre-licensed practitioner.
    var supervisor: String?
}
