import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func refresh(_ request: Tillit_Identity_V1_RefreshRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_RefreshResponse
    {
        guard !request.refreshToken.isEmpty, request.refreshToken.utf8.count <= 256 else {
            throw ServiceError(.unauthenticated, "invalid refresh token")
        }
        let outcome = try await store.refreshSession(
            token: request.refreshToken, requestID: context.requestID)
        guard case .rotated(let account, let next) = outcome else {
            throw ServiceError(.unauthenticated, "invalid refresh token")
        }
        var response = Tillit_Identity_V1_RefreshResponse()
        response.tokens = try await issuer.pair(
            for: account, refresh: next, scope: LoginFlow.scope(for: account))
        return response
    }

    func logout(_ request: Tillit_Identity_V1_LogoutRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_LogoutResponse
    {
        guard !request.refreshToken.isEmpty, request.refreshToken.utf8.count <= 256 else {
            return Tillit_Identity_V1_LogoutResponse()
        }
        try await store.endSession(token: request.refreshToken, requestID: context.requestID)
        return Tillit_Identity_V1_LogoutResponse()
    }

    func revokeSessions(_ request: Tillit_Identity_V1_RevokeSessionsRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_RevokeSessionsResponse
    {
        let caller = try Caller.current(context)
        let target = try Self.accountID(request.accountID)
        try caller.require(
            !caller.isService && (caller.isAdmin || target == caller.id), "end another account's sessions")
        let count = try await store.revokeSessions(of: target, by: caller)
        var response = Tillit_Identity_V1_RevokeSessionsResponse()
        response.revokedSessions = UInt32(clamping: count)
        return response
    }
}
