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
        try caller.require(caller.isAdmin || caller.isClient, "read the audit trail")
        let page = try Page(request.page)
        var query = AuditQuery()
        query.actor =
            request.hasActor && !request.actor.value.isEmpty
            ? try Self.accountID(request.actor, field: "actor") : nil
        let requested =
            request.hasClient && !request.client.value.isEmpty
            ? try Self.accountID(request.client, field: "client") : nil
        if caller.isClient {
            // A client sees who accessed their record: the events about them, nothing else.
            guard requested == nil || requested == caller.id else {
                throw ServiceError.denied("not allowed to read another client's events")
            }
        }
        query.client = caller.isClient ? caller.id : requested
        query.action = try Validation.text(request.action, field: "action", max: 100)
        query.from =
            request.hasDuring && request.during.hasStart ? WireMapping.millis(request.during.start) : nil
        query.until =
            request.hasDuring && request.during.hasEnd ? WireMapping.millis(request.during.end) : nil
        // Newest first: the page key is the sequence number, the next page continues below it.
        if let after = page.after {
            guard let sequence = Int64(after) else {
                throw ServiceError.invalid("page.page_token", "is not a token this service issued")
            }
            query.before = sequence
        }
        query.limit = page.size + 1
        let records = try await store.auditEvents(matching: query, for: caller)
        let (events, next) = page.split(records) { String($0.sequence) }
        var response = Tillit_Identity_V1_ListAuditEventsResponse()
        response.events = events.map(\.proto)
        response.page = next
        return response
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "verify the audit trail")
        let checkpoint =
            request.hasCheckpoint ? try Self.checkpoint(request.checkpoint, organization: caller.organization) : nil
        let result = try await store.verifyAuditChain(for: caller, checkpoint: checkpoint)
        var response = Tillit_Identity_V1_VerifyAuditChainResponse()
        response.intact = result.intact
        response.eventsChecked = result.checked
        response.firstBrokenSequence = result.firstBroken
        response.problem = result.problem
        return response
    }

    func getAuditCheckpoint(_ request: Tillit_Identity_V1_GetAuditCheckpointRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "read the audit checkpoint")
        let checkpoint = try await store.auditCheckpoint(for: caller)
        var response = Tillit_Identity_V1_GetAuditCheckpointResponse()
        response.checkpoint.sequence = UInt64(checkpoint.sequence)
        response.checkpoint.hash = checkpoint.hash
        response.checkpoint.organizationID = checkpoint.organization
        return response
    }

    /// A checkpoint from the wire: a sequence number and 64 lower-case hex digits.
    static func checkpoint(_ wire: Tillit_Identity_V1_AuditCheckpoint, organization: String) throws
        -> AuditCheckpoint
    {
        guard wire.sequence <= UInt64(Int64.max) else {
            throw ServiceError.invalid("checkpoint.sequence", "is too large")
        }
        guard wire.hash.utf8.count == 64, wire.hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw ServiceError.invalid("checkpoint.hash", "must be 64 lower-case hex digits")
        }
        // A checkpoint of another organisation's chain is reported by verify, never looked up.
        let named = wire.organizationID.isEmpty ? organization : wire.organizationID
        return AuditCheckpoint(organization: named, sequence: Int64(wire.sequence), hash: wire.hash)
    }
}
