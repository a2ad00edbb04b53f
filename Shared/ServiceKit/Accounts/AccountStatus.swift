/// Whether an account may still sign in. Accounts are deactivated, never deleted, because
/// records point to them.
public enum AccountStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// May sign in and be acted upon.
    case active
    /// Kept for the records; its tokens stop working.
    case deactivated
}
