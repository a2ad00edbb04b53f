import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func listAuditEvents(_ request: Tillit_Identity_V1_ListAuditEventsRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_ListAuditEventsResponse
    {
        let caller = try Caller.current(context)
        let (query, page) = try AuditRPC.query(request, caller: caller)
        return AuditRPC.response(try await store.auditEvents(matching: query, for: caller), page: page)
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "verify the audit trail")
        let checkpoint =
            request.hasCheckpoint
            ? try AuditRPC.checkpoint(request.checkpoint, organization: caller.organization) : nil
        return AuditRPC.response(try await store.verifyAuditChain(for: caller, checkpoint: checkpoint))
    }

    func getAuditCheckpoint(_ request: Tillit_Identity_V1_GetAuditCheckpointRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "read the audit checkpoint")
        return AuditRPC.response(try await store.auditCheckpoint(for: caller))
    }
}
