import Foundation

/// Who is calling, as established from a verified access token.
public struct Principal: Sendable, Hashable {
    /// The kind of account behind a token.
    public typealias Kind = AccountKind

    /// The account id (token subject).
    public var subject: String
    /// The organisation (practice) the account belongs to; every access is scoped to it.
    public var organization: String
    /// The kind of account.
    public var kind: Kind
    /// Staff roles.
    public var roles: Set<Role>
    /// When the token expires.
    public var expiresAt: Date?
    /// The staff member's licence status, if the token carries one.
    public var licence: LicenceStatus?
    /// The token's id (`jti`), for audit records.
    public var tokenID: String?
    /// A restriction of what the token allows; nil for a full token.
    public var scope: Scope?
    /// The session (refresh-token family) the token was issued for, if it names one.
    public var sessionID: String?

    /// A principal.
    public init(
        subject: String, organization: String, kind: Kind, roles: Set<Role> = [],
        expiresAt: Date? = nil, licence: LicenceStatus? = nil, tokenID: String? = nil, scope: Scope? = nil,
        sessionID: String? = nil
    ) {
        self.subject = subject
        self.organization = organization
        self.kind = kind
        self.roles = roles
        self.expiresAt = expiresAt
        self.licence = licence
        self.tokenID = tokenID
        self.scope = scope
        self.sessionID = sessionID
    }

    /// Whether the principal holds `role`.
    public func has(role: Role) -> Bool {
        roles.contains(role)
    }
}
