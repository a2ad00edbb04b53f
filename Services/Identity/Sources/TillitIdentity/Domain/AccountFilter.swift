import Foundation
import TillitServiceKit

/// Which accounts to list: every set field must match.
struct AccountFilter: Sendable {
    /// Only accounts of this kind.
    var kind: AccountKind?
    /// Only staff holding this role.
    var role: Role?
    /// Whether deactivated accounts are listed too.
    var includeDeactivated: Bool = false
}
