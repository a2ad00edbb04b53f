import Foundation

/// A validated staff account to create (the first admin, or one an admin adds).
struct NewStaffInput: Sendable {
    /// Login e-mail, lower case.
    var email: String
    /// Display name.
    var displayName: String
    /// Sorted, de-duplicated role names.
    var roles: [String]
    /// Discipline (may be empty).
    var discipline: String = ""
    /// BCP 47 language tags.
    var languages: [String] = []
    /// `licensed`, `pre_licensed` or nil.
    var licence: String?
    /// The supervising account of a pre-licensed practitioner.
    var supervisor: String?
}
