import TillitContracts
import TillitRPC
import TillitServiceKit

extension SupervisionHandler {
    func listAuditEvents(_ request: Tillit_Identity_V1_ListAuditEventsRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_ListAuditEventsResponse
    {
        try await AuditRPC.listAuditEvents(request, caller: try Caller.current(context), store: store)
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        try await AuditRPC.verifyAuditChain(request, caller: try Caller.current(context), store: store)
    }

    func getAuditCheckpoint(_ request: Tillit_Identity_V1_GetAuditCheckpointRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        try await AuditRPC.auditCheckpoint(caller: try Caller.current(context), store: store)
    }
}
