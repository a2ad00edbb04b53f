import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    /// The most sessions one answer lists.
    static let revokedSessionPageSize = 1000

    /// Public (like GetSigningKeys): every service's verifier polls it; see docs/security.md.
    func listRevokedSessions(_ request: Tillit_Identity_V1_ListRevokedSessionsRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_ListRevokedSessionsResponse
    {
        var cursor: Int64 = 0
        if !request.cursor.isEmpty {
            guard request.cursor.utf8.count <= 20, let value = Int64(request.cursor), value >= 0 else {
                throw ServiceError.invalid("cursor", "is not a cursor this service gave")
            }
            cursor = value
        }
        let (sessions, next, more) = try await store.revokedSessions(
            after: cursor, limit: Self.revokedSessionPageSize)
        var response = Tillit_Identity_V1_ListRevokedSessionsResponse()
        response.sessions = sessions.map { record in
            var session = Tillit_Identity_V1_RevokedSession()
            session.sessionID = record.sessionID
            session.revokedAt = WireMapping.timestamp(millis: record.revokedAt)
            session.forgetAfter = WireMapping.timestamp(millis: record.forgetAfter)
            return session
        }
        response.nextCursor = String(next)
        response.more = more
        return response
    }
}
