/// A staff role; a staff account can hold several. Stored and sent as its raw value.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Runs the practice: accounts, roles, policies, audit.
    case admin
    /// Books and moves appointments for clients.
    case scheduler
    /// Sees clients and writes their notes.
    case practitioner
    /// Supervises practitioners and co-signs pre-licensed practitioners' notes.
    case supervisor

    /// Alphabetical by raw value, so role lists print and compare in one order.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether an account holding these roles must have TOTP (admins and supervisors).
    public static func requireTotp(_ roles: some Sequence<Role>) -> Bool {
        roles.contains { $0 == .admin || $0 == .supervisor }
    }
}
