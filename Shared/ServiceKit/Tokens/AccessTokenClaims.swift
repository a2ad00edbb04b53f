import Foundation

/// The JSON payload of an access token. Dates are RFC 3339 strings in UTC with whole seconds
/// (`"2026-01-02T03:04:05Z"`), as PASETO registers `iat` and `exp`.
public struct AccessTokenClaims: Sendable, Hashable, Codable {
    /// The issuer every access token carries (`iss`).
    public static let defaultIssuer = "tillit-identity"
    /// The audience every access token carries (`aud`).
    public static let defaultAudience = "tillit"
    /// The longest life (`exp − iat`) a verifier accepts: 15 minutes.
    public static let maximumLifetime: TimeInterval = 15 * 60

    /// `iss`: who issued the token, `tillit-identity`.
    public var issuer: String
    /// `aud`: who the token is for, `tillit`.
    public var audience: String
    /// `sub`: the account id.
    public var subject: String
    /// `org`: the account's organisation.
    public var organization: String
    /// `kind`: `staff`, `client` or `service`.
    public var kind: Principal.Kind
    /// `roles`: the staff roles, sorted.
    public var roles: [Role]
    /// `licence`: `licensed` or `pre_licensed`; absent when not applicable.
    public var licence: LicenceStatus?
    /// `jti`: the token's unique id.
    public var tokenID: String
    /// `iat`: when the token was issued.
    public var issuedAt: Date
    /// `exp`: when the token expires.
    public var expiresAt: Date
    /// `scope`: `totp_enrolment` when the token only allows TOTP enrolment; absent otherwise.
    public var scope: Scope?
    /// `sid`: the session (refresh-token family) the token was issued for; absent for tokens
    /// not issued by a login or refresh.
    public var sessionID: String?

    /// Claims with the standard issuer and audience; `roles` are stored sorted.
    public init(
        issuer: String = AccessTokenClaims.defaultIssuer,
        audience: String = AccessTokenClaims.defaultAudience,
        subject: String, organization: String, kind: Principal.Kind, roles: [Role] = [],
        licence: LicenceStatus? = nil, tokenID: String, issuedAt: Date, expiresAt: Date, scope: Scope? = nil,
        sessionID: String? = nil
    ) {
        self.issuer = issuer
        self.audience = audience
        self.subject = subject
        self.organization = organization
        self.kind = kind
        self.roles = roles.sorted()
        self.licence = licence
        self.tokenID = tokenID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.scope = scope
        self.sessionID = sessionID
    }

    /// The caller these claims describe.
    public var principal: Principal {
        Principal(
            subject: subject, organization: organization, kind: kind, roles: Set(roles),
            expiresAt: expiresAt, licence: licence, tokenID: tokenID, scope: scope, sessionID: sessionID)
    }

    private enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case audience = "aud"
        case subject = "sub"
        case organization = "org"
        case kind
        case roles
        case licence
        case tokenID = "jti"
        case issuedAt = "iat"
        case expiresAt = "exp"
        case scope
        case sessionID = "sid"
    }

    /// Decodes the JSON payload; dates must be RFC 3339.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decode(String.self, forKey: .issuer)
        audience = try container.decode(String.self, forKey: .audience)
        subject = try container.decode(String.self, forKey: .subject)
        organization = try container.decode(String.self, forKey: .organization)
        kind = try container.decode(Principal.Kind.self, forKey: .kind)
        roles = try container.decode([Role].self, forKey: .roles)
        licence = try container.decodeIfPresent(LicenceStatus.self, forKey: .licence)
        tokenID = try container.decode(String.self, forKey: .tokenID)
        issuedAt = try Self.decodeDate(container, .issuedAt)
        expiresAt = try Self.decodeDate(container, .expiresAt)
        scope = try container.decodeIfPresent(Scope.self, forKey: .scope)
        sessionID = try container.decodeIfPresent(String.self, forKey: .sessionID)
    }

    /// Encodes the JSON payload; roles sorted, absent optionals omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(audience, forKey: .audience)
        try container.encode(subject, forKey: .subject)
        try container.encode(organization, forKey: .organization)
        try container.encode(kind, forKey: .kind)
        try container.encode(roles.sorted(), forKey: .roles)
        try container.encodeIfPresent(licence, forKey: .licence)
        try container.encode(tokenID, forKey: .tokenID)
        try Self.encodeDate(issuedAt, &container, .issuedAt)
        try Self.encodeDate(expiresAt, &container, .expiresAt)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(sessionID, forKey: .sessionID)
    }

    private static func decodeDate(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws
        -> Date
    {
        let text = try container.decode(String.self, forKey: key)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "not an RFC 3339 date-time")
        }
        return date
    }

    private static func encodeDate(
        _ date: Date, _ container: inout KeyedEncodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws {
        guard let text = RFC3339.format(date) else {
            throw EncodingError.invalidValue(
                date,
                EncodingError.Context(
                    codingPath: container.codingPath + [key], debugDescription: "year outside 0000–9999"))
        }
        try container.encode(text, forKey: key)
    }
}
