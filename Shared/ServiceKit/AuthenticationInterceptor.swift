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
/// (Health by default), verifies it with the `TokenVerifier` and attaches the `Principal`.
public struct AuthenticationInterceptor: ServerInterceptor {
    private let verifier: any TokenVerifier
    private let publicMethods: Set<String>

    /// Health checks are always public; add more wire paths with `publicMethods`.
    public init(verifier: any TokenVerifier, publicMethods: Set<String> = []) {
        self.verifier = verifier
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
        let prefix = "bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix) else {
            throw RPCError(code: .unauthenticated, message: "authorization must be 'Bearer <token>'")
        }
        let token = String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
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
        var context = context
        context[PrincipalKey.self] = principal
        return try await ServerContext.$current.withValue(context) {
            try await next(request, context)
        }
    }
}

/// The wire paths of the health service.
enum Tillit_Health_V1_HealthPaths {
    static let all: Set<String> = Set(Tillit_Health_V1_Health.Method.all.map(\.path))
}
