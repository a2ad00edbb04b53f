/// The kind of an account; a token carries it. Stored and sent as its raw value.
public enum AccountKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A member of staff (roles say what they may do).
    case staff
    /// A client of the practice.
    case client
    /// Another service calling for itself or relaying a user's call.
    case service
}
