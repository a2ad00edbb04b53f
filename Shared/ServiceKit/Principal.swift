import Foundation

/// Who is calling, as established from a verified access token.
public struct Principal: Sendable, Hashable {
    /// The kind of account behind a token.
    public enum Kind: String, Sendable, Hashable, Codable {
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
    public var expiresAt: Date?
    /// The staff member's licence status (`licensed`, `pre_licensed`), if the token carries one.
    public var licence: String?
    /// The token's id (`jti`), for audit records.
    public var tokenID: String?
    /// A restriction of what the token allows (`totp_enrolment`); nil for a full token.
    public var scope: String?

    /// A principal.
    public init(
        subject: String, organization: String, kind: Kind, roles: Set<String> = [],
        expiresAt: Date? = nil, licence: String? = nil, tokenID: String? = nil, scope: String? = nil
    ) {
        self.subject = subject
        self.organization = organization
        self.kind = kind
        self.roles = roles
        self.expiresAt = expiresAt
        self.licence = licence
        self.tokenID = tokenID
        self.scope = scope
    }

    /// Whether the principal holds `role`.
    public func has(role: String) -> Bool {
        roles.contains(role)
    }
}
