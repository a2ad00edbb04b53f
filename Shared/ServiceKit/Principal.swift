/// Who is calling, as established from a verified access token.
public struct Principal: Sendable, Hashable {
    /// The kind of account behind a token.
    public enum Kind: String, Sendable, Hashable {
        /// A member of staff (roles say what they may do).
        case staff
        /// A client of the practice.
        case client
        /// Another service calling for itself or on behalf of a user.
        case service
    }

    /// The account id (token subject).
    public var subject: String
    /// The organisation (practice) the account belongs to; every access is scoped to it.
    public var organization: String
    /// The kind of account.
    public var kind: Kind
    /// Staff roles: `admin`, `scheduler`, `practitioner`, `supervisor`.
    public var roles: Set<String>
    /// When the token expires.
    public var expiresAt: ContinuousClock.Instant?

    /// A principal.
    public init(
        subject: String, organization: String, kind: Kind, roles: Set<String> = [],
        expiresAt: ContinuousClock.Instant? = nil
    ) {
        self.subject = subject
        self.organization = organization
        self.kind = kind
        self.roles = roles
        self.expiresAt = expiresAt
    }

    /// Whether the principal holds `role`.
    public func has(role: String) -> Bool {
        roles.contains(role)
    }
}
