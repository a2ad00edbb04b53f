import Foundation
import TillitContracts

/// The request side of the audit rpcs every service offers (`ListAuditEvents`,
/// `VerifyAuditChain`, `GetAuditCheckpoint`, with identity.proto's messages): one reading of
/// the requests, so every service validates them alike.
public enum AuditRPC {
    /// The query and page a `ListAuditEvents` request asks for. Admins may filter freely; a
    /// client sees only the events about itself (another client id is PERMISSION_DENIED);
    /// anyone else is PERMISSION_DENIED.
    public static func query(_ request: Tillit_Identity_V1_ListAuditEventsRequest, caller: Caller) throws
        -> (query: AuditQuery, page: Page)
    {
        try caller.require(caller.isAdmin || caller.isClient, "read the audit trail")
        let page = try Page(request.page)
        var query = AuditQuery()
        query.actor =
            request.hasActor && !request.actor.value.isEmpty
            ? try Validation.id(request.actor.value, field: "actor") : nil
        let requested =
            request.hasClient && !request.client.value.isEmpty
            ? try Validation.id(request.client.value, field: "client") : nil
        if caller.isClient {
            // A client sees who accessed their record: the events about them, nothing else.
            guard requested == nil || requested == caller.id else {
                throw ServiceError.denied("not allowed to read another client's events")
            }
        }
        query.client = caller.isClient ? caller.id : requested
        query.action = try Validation.text(request.action, field: "action", max: 100)
        query.from =
            request.hasDuring && request.during.hasStart
            ? try request.during.start.validMillis(field: "during.start") : nil
        query.until =
            request.hasDuring && request.during.hasEnd
            ? try request.during.end.validMillis(field: "during.end") : nil
        // Newest first: the page key is the sequence number, the next page continues below it.
        if let after = page.after {
            guard let sequence = Int64(after) else {
                throw ServiceError.invalid("page.page_token", "is not a token this service issued")
            }
            query.before = sequence
        }
        query.limit = page.size + 1
        return (query, page)
    }

    /// The response for `records` fetched with `query(_:caller:)`'s query.
    public static func response(_ records: [AuditRecord], page: Page)
        -> Tillit_Identity_V1_ListAuditEventsResponse
    {
        let (events, next) = page.split(records) { String($0.sequence) }
        var response = Tillit_Identity_V1_ListAuditEventsResponse()
        response.events = events.map(\.proto)
        response.page = next
        return response
    }

    /// A checkpoint from the wire: a sequence number and 64 lower-case hex digits; an empty
    /// organisation means the caller's.
    public static func checkpoint(_ wire: Tillit_Identity_V1_AuditCheckpoint, organization: String) throws
        -> AuditCheckpoint
    {
        guard wire.sequence <= UInt64(Int64.max) else {
            throw ServiceError.invalid("checkpoint.sequence", "is too large")
        }
        guard wire.hash.utf8.count == 64,
            wire.hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw ServiceError.invalid("checkpoint.hash", "must be 64 lower-case hex digits")
        }
        // A checkpoint of another organisation's chain is reported by verify, never looked up.
        let named = wire.organizationID.isEmpty ? organization : wire.organizationID
        return AuditCheckpoint(organization: named, sequence: Int64(wire.sequence), hash: wire.hash)
    }

    /// The wire form of a verification.
    public static func response(_ result: AuditVerification) -> Tillit_Identity_V1_VerifyAuditChainResponse {
        var response = Tillit_Identity_V1_VerifyAuditChainResponse()
        response.intact = result.intact
        response.eventsChecked = result.checked
        response.firstBrokenSequence = result.firstBroken
        response.problem = result.problem
        return response
    }

    /// The wire form of a checkpoint.
    public static func response(_ checkpoint: AuditCheckpoint)
        -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        var response = Tillit_Identity_V1_GetAuditCheckpointResponse()
        response.checkpoint.sequence = UInt64(checkpoint.sequence)
        response.checkpoint.hash = checkpoint.hash
        response.checkpoint.organizationID = checkpoint.organization
        return response
    }
}

/// A service store that reads its organisation audit chains (each service's store conforms;
/// `AuditRPC`'s handlers then serve the three audit rpcs alike everywhere).
public protocol AuditReading: Sendable {
    /// A page of the caller's organisation's events matching `query`, newest first.
    func auditEvents(matching query: AuditQuery, for caller: Caller) async throws -> [AuditRecord]
    /// The caller's organisation's chain recomputed and checked against `checkpoint`.
    func verifyAuditChain(for caller: Caller, checkpoint: AuditCheckpoint?) async throws -> AuditVerification
    /// The head of the caller's organisation's chain.
    func auditCheckpoint(for caller: Caller) async throws -> AuditCheckpoint
}

extension AuditRPC {
    /// `ListAuditEvents`: admins any event, a client the events about itself.
    public static func listAuditEvents(
        _ request: Tillit_Identity_V1_ListAuditEventsRequest, caller: Caller, store: some AuditReading
    ) async throws -> Tillit_Identity_V1_ListAuditEventsResponse {
        let (query, page) = try query(request, caller: caller)
        return response(try await store.auditEvents(matching: query, for: caller), page: page)
    }

    /// `VerifyAuditChain` (admin).
    public static func verifyAuditChain(
        _ request: Tillit_Identity_V1_VerifyAuditChainRequest, caller: Caller, store: some AuditReading
    ) async throws -> Tillit_Identity_V1_VerifyAuditChainResponse {
        try caller.require(caller.isAdmin, "verify the audit trail")
        let checkpoint =
            request.hasCheckpoint
            ? try checkpoint(request.checkpoint, organization: caller.organization) : nil
        return response(try await store.verifyAuditChain(for: caller, checkpoint: checkpoint))
    }

    /// `GetAuditCheckpoint` (admin).
    public static func auditCheckpoint(caller: Caller, store: some AuditReading) async throws
        -> Tillit_Identity_V1_GetAuditCheckpointResponse
    {
        try caller.require(caller.isAdmin, "read the audit checkpoint")
        return response(try await store.auditCheckpoint(for: caller))
    }
}
