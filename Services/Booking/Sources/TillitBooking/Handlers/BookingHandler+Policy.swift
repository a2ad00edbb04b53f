import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func getBookingPolicy(_ request: Tillit_Booking_V1_GetBookingPolicyRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_GetBookingPolicyResponse
    {
        let caller = try Caller.current(context)
        let policy = try await store.policy(for: caller)
        return .with { $0.policy = policy.proto }
    }

    func setBookingPolicy(_ request: Tillit_Booking_V1_SetBookingPolicyRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_SetBookingPolicyResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "set the booking policy")
        let wire = request.policy
        guard wire.cancellationWindowMinutes <= 20160 else {
            throw ServiceError.invalid(
                "policy.cancellation_window_minutes", "must be from 0 to 20160 (14 days)")
        }
        guard wire.minimumNoticeMinutes <= 20160 else {
            throw ServiceError.invalid("policy.minimum_notice_minutes", "must be from 0 to 20160 (14 days)")
        }
        guard (1...3660).contains(wire.careRelationshipDays) else {
            throw ServiceError.invalid("policy.care_relationship_days", "must be from 1 to 3660")
        }
        let policy = BookingPolicyRecord(
            cancellationWindowMinutes: Int(wire.cancellationWindowMinutes),
            minimumNoticeMinutes: Int(wire.minimumNoticeMinutes),
            careRelationshipDays: Int(wire.careRelationshipDays),
            cancellationTerms: try Validation.text(
                wire.cancellationTerms, field: "policy.cancellation_terms", max: 2000),
            updatedAt: nil, updatedBy: nil)
        let stored = try await store.setPolicy(policy, by: caller)
        return .with { $0.policy = stored.proto }
    }

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
