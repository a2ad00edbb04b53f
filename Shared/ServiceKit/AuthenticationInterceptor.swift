import Foundation
import TillitContracts
import TillitRPC

/// The `ServerContext` key under which the authenticated caller is stored.
public enum PrincipalKey: ServerContextKey {
    /// The authenticated caller.
    public typealias Value = Principal
}

extension ServerContext {
    /// The authenticated caller; nil only for methods that need no authentication.
    public var principal: Principal? {
        self[PrincipalKey.self]
    }

    /// The authenticated caller, or `UNAUTHENTICATED` if there is none.
    public func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw RPCError(code: .unauthenticated, message: "this method needs an access token")
        }
        return principal
    }
}

/// Requires a valid `authorization: Bearer <token>` on every call except the public methods
/// (Health always), verifies it with the `TokenVerifier`, applies the service's `AccessPolicy`
/// (who may call the method at all) and attaches the `Principal`.
///
/// Without a policy every authenticated account passes the gate, except scoped tokens (e.g.
/// TOTP enrolment): a scoped token does only what its scope names, and only a policy can name
/// methods for a scope, so it is refused everywhere else.
///
/// Acting for someone needs their token, never just their id: a call naming an account in
/// `x-on-behalf-of` must come from a service account and relay that account's own access token
/// in `x-on-behalf-of-token`; it is verified like any token (signature, expiry, ended session)
/// and must be a full token of the named account in the caller's organisation. Otherwise the
/// call is PERMISSION_DENIED before any handler runs. The verified account is `actingFor`.
public struct AuthenticationInterceptor: ServerInterceptor {
    private let verifier: any TokenVerifier
    private let publicMethods: Set<String>
    private let policy: AccessPolicy?

    /// Enforces `policy` (merged with Health's); its `.anyone` rules are the public methods.
    public init(verifier: any TokenVerifier, policy: AccessPolicy) {
        self.verifier = verifier
        let policy = policy.merging(.health)
        self.policy = policy
        self.publicMethods = policy.publicPaths
    }

    /// Authentication only: Health checks are always public; add more wire paths with
    /// `publicMethods`.
    public init(verifier: any TokenVerifier, publicMethods: Set<String> = []) {
        self.verifier = verifier
        self.policy = nil
        self.publicMethods = publicMethods.union(Tillit_Health_V1_HealthPaths.all)
    }

    public func intercept(
        _ request: Data,
        context: ServerContext,
        next: @Sendable (Data, ServerContext) async throws -> Data
    ) async throws -> Data {
        if publicMethods.contains(context.method.path) {
            return try await next(request, context)
        }
        guard let header = context.metadata[Metadata.Key.authorization] else {
            throw RPCError(code: .unauthenticated, message: "missing authorization metadata (Bearer token)")
        }
        guard let token = Self.bearerToken(header) else {
            throw RPCError(code: .unauthenticated, message: "authorization must be 'Bearer <token>'")
        }
        let principal: Principal
        do {
            principal = try await verifier.verify(token)
        } catch let error as any RPCErrorConvertible
            where error.rpcError.code == .unauthenticated || error.rpcError.code == .unavailable
        {
            // `TokenError` says why (UNAUTHENTICATED) or that the keys are unreachable (UNAVAILABLE).
            throw error.rpcError
        } catch {
            throw RPCError(code: .unauthenticated, message: "invalid access token", cause: error)
        }
        if let policy {
            try policy.authorize(principal, path: context.method.path)
        } else if let scope = principal.scope {
            throw ServiceError.denied("\(AccessPolicy.refusalPrefix) this token: \(scope.refusal)")
        }
        var context = context
        context[PrincipalKey.self] = principal
        if let actingFor = try await relayedPrincipal(context, caller: principal) {
            context[ActingForKey.self] = actingFor
        }
        return try await ServerContext.$current.withValue(context) {
            try await next(request, context)
        }
    }
}

extension AuthenticationInterceptor {
    /// The metadata key carrying the access token of the account a service acts for.
    public static let relayedTokenKey = "x-on-behalf-of-token"

    /// The verified account named by `x-on-behalf-of` (nil when the call names none).
    private func relayedPrincipal(_ context: ServerContext, caller: Principal) async throws -> Principal? {
        let named = context.metadata[Metadata.Key.onBehalfOf] ?? ""
        let relayed = context.metadata[Self.relayedTokenKey] ?? ""
        if named.isEmpty && relayed.isEmpty { return nil }
        guard !named.isEmpty else {
            throw ServiceError.denied("a relayed token needs x-on-behalf-of naming its account")
        }
        let account = try Validation.id(named, field: Metadata.Key.onBehalfOf)
        guard caller.kind == .service else {
            throw ServiceError.denied("only a service account acts on behalf of another account")
        }
        guard !relayed.isEmpty else {
            throw ServiceError.denied(
                "acting on behalf of an account needs its access token (\(Self.relayedTokenKey))")
        }
        let token = Self.bearerToken(relayed) ?? relayed
        let user: Principal
        do {
            user = try await verifier.verify(token)
        } catch let error as any RPCErrorConvertible where error.rpcError.code == .unavailable {
            throw error.rpcError
        } catch {
            throw ServiceError(
                .permissionDenied, "the relayed token of x-on-behalf-of is not valid", cause: error)
        }
        guard user.subject == account, user.organization == caller.organization, user.kind != .service,
            user.scope == nil
        else {
            throw ServiceError.denied("the relayed token is not a full token of the x-on-behalf-of account")
        }
        return user
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, surrounding spaces and tabs
    /// ignored), or nil. Works on the UTF-8 bytes: Foundation's trimming bridges through UTF-16
    /// and cost a tenth of a call's CPU.
    static func bearerToken(_ header: String) -> String? {
        let bytes = header.utf8
        let scheme = "bearer".utf8
        guard bytes.count > scheme.count + 1 else { return nil }
        var index = bytes.startIndex
        for expected in scheme {
            // ASCII letters: OR 0x20 lower-cases them.
            guard bytes[index] | 0x20 == expected else { return nil }
            index = bytes.index(after: index)
        }
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard isBlank(bytes[index]) else { return nil }
        while index < bytes.endIndex, isBlank(bytes[index]) { index = bytes.index(after: index) }
        var end = bytes.endIndex
        while end > index, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard index < end else { return nil }
        return String(header[index..<end])
    }
}

/// The wire paths of the health service.
enum Tillit_Health_V1_HealthPaths {
    static let all: Set<String> = Set(Tillit_Health_V1_Health.Method.all.map(\.path))
}
