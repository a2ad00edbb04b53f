import Foundation

/// Which accounts to list: every set field must match.
struct AccountFilter: Sendable {
    /// Only accounts of this kind (`staff`, `client`, `service`).
    var kind: String?
    /// Only staff holding this role.
    var role: String?
    /// Whether deactivated accounts are listed too.
    var includeDeactivated: Bool = false
}
