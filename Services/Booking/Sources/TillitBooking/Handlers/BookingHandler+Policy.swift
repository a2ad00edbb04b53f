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
            throw ServiceError.invalid("policy.cancellation_window_minutes", "must be from 0 to 20160 (14 days)")
        }
        guard wire.minimumNoticeMinutes <= 20160 else {
            throw ServiceError.invalid("policy.minimum_notice_minutes", "must be from 0 to 20160 (14 days)")
        }
        guard (1...3660).contains(wire.careRelationshipDays) else {
            throw ServiceError.invalid("policy.care_relationship_days", "must be from 1 to 3660")
        }
        let policy = BookingPolicyRecord(
            cancellationWindowMinutes: Int(wire.cancellationWindowMinutes),
            minimumNoticeMinutes: Int(wire.minimumNoticeMinutes), careRelationshipDays: Int(wire.careRelationshipDays),
            cancellationTerms: try Validation.text(wire.cancellationTerms, field: "policy.cancellation_terms", max: 2000),
            updatedAt: nil, updatedBy: nil)
        let stored = try await store.setPolicy(policy, by: caller)
        return .with { $0.policy = stored.proto }
    }

    func listAuditEvents(_ request: Tillit_Identity_V1_ListAuditEventsRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_ListAuditEventsResponse
    {
        let caller = try Caller.current(context)
        let (query, page) = try AuditRPC.query(request, caller: caller)
        return AuditRPC.response(try await store.auditEvents(matching: query, for: caller), page: page)
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "verify the audit trail")
        let checkpoint =
            request.hasCheckpoint
            ? try AuditRPC.checkpoint(request.checkpoint, organization: caller.organization) : nil
        return AuditRPC.response(try await store.verifyAuditChain(for: caller, checkpoint: checkpoint))
    }

    func getAuditCheckpoint(_ request: Tillit_Identity_V1_GetAuditCheckpointRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "read the audit checkpoint")
        return AuditRPC.response(try await store.auditCheckpoint(for: caller))
    }
}
