import TillitRPC

/// The authenticated caller of a method, with the questions authorisation asks. Built once per
/// call by `Caller.current(_:)`; the audit trail takes its actor, on-behalf-of, calling service
/// and request id from it, so no handler can forget them.
public struct Caller: Sendable {
    /// The metadata key naming the service that relays a user's call (`x-calling-service`).
    public static let callingServiceKey = "x-calling-service"

    /// The verified token's principal.
    public let principal: Principal
    /// The request id, for the audit trail.
    public let requestID: String
    /// The account a service acts for, if any: only ever the verified subject of the relayed
    /// token (`ServerContext.actingFor`), never the bare `x-on-behalf-of` header.
    public let onBehalfOf: String?
    /// `x-calling-service`: the service that relayed this call, if any (a `ServiceName`).
    public let via: String?

    /// A caller (tests and services relaying work build these; handlers use `current`).
    public init(principal: Principal, requestID: String, onBehalfOf: String? = nil, via: String? = nil) {
        self.principal = principal
        self.requestID = requestID
        self.onBehalfOf = onBehalfOf
        self.via = via
    }

    /// The caller's account id.
    public var id: String { principal.subject }
    /// The caller's organisation: every call acts on it and on nothing else.
    public var organization: String { principal.organization }
    /// The session (refresh-token family) the caller's token was issued for.
    public var sessionID: String? { principal.sessionID }
    /// The kind of account calling.
    public var kind: AccountKind { principal.kind }
    /// Whether a client calls.
    public var isClient: Bool { principal.kind == .client }
    /// Whether a service account calls for itself.
    public var isService: Bool { principal.kind == .service }
    /// Whether a member of staff calls.
    public var isStaff: Bool { principal.kind == .staff }
    /// Whether staff holding `admin` calls.
    public var isAdmin: Bool { has(.admin) }

    /// Whether the caller is staff holding `role`.
    public func has(_ role: Role) -> Bool {
        isStaff && principal.roles.contains(role)
    }

    /// Whether the caller is staff holding any of `roles`.
    public func isStaff(anyOf roles: Set<Role>) -> Bool {
        isStaff && !principal.roles.isDisjoint(with: roles)
    }

    /// PERMISSION_DENIED (`not allowed to <what>`) unless `allowed`.
    public func require(_ allowed: Bool, _ what: String) throws {
        guard allowed else { throw ServiceError.denied("not allowed to \(what)") }
    }

    /// The caller of the current call: UNAUTHENTICATED without a verified token; a scoped token
    /// (e.g. TOTP enrolment) is PERMISSION_DENIED unless this method is one its scope allows
    /// (`allowing`). `onBehalfOf` is the account the `AuthenticationInterceptor` verified from a
    /// relayed token (it refuses a bare `x-on-behalf-of`); INVALID_ARGUMENT for an unknown
    /// `x-calling-service`.
    public static func current(_ context: ServerContext, allowing scope: Scope? = nil) throws -> Caller {
        let principal = try context.requirePrincipal()
        if let tokenScope = principal.scope, tokenScope != scope {
            throw ServiceError.denied(tokenScope.refusal)
        }
        let onBehalfOf = context.actingFor?.subject
        var via: String?
        if let value = context.metadata[callingServiceKey], !value.isEmpty {
            guard let name = ServiceName(rawValue: value) else {
                throw ServiceError.invalid(callingServiceKey, "is not a Tillit service")
            }
            via = name.rawValue
        }
        return Caller(principal: principal, requestID: context.requestID, onBehalfOf: onBehalfOf, via: via)
    }
}

extension Scope {
    /// What a token of this scope is told when it calls a method outside the scope.
    public var refusal: String {
        switch self {
        case .totpEnrolment: "enrol TOTP first (EnrolTotp, ConfirmTotp), then sign in again"
        }
    }
}
