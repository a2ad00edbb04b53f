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
        let page = try Paging(request.page)
        var filter = AuditEventFilter()
        filter.actor =
            request.hasActor && !request.actor.value.isEmpty
            ? try Self.accountID(request.actor, field: "actor") : nil
        let requested =
            request.hasClient && !request.client.value.isEmpty
            ? try Self.accountID(request.client, field: "client") : nil
        if caller.isClient {
            // A client sees who accessed their record: the events about them, nothing else.
            guard requested == nil || requested == caller.id else {
                throw IdentityError.denied("not allowed to read another client's events")
            }
        }
        filter.client = caller.isClient ? caller.id : requested
        filter.action = try Validation.text(request.action, field: "action", max: 100)
        filter.start =
            request.hasDuring && request.during.hasStart ? WireMapping.millis(request.during.start) : nil
        filter.end = request.hasDuring && request.during.hasEnd ? WireMapping.millis(request.during.end) : nil
        let (events, more) = try await store.auditEvents(matching: filter, page: page, for: caller)
        var response = Tillit_Identity_V1_ListAuditEventsResponse()
        response.events = events.map(\.proto)
        response.page = page.response(hasMore: more)
        return response
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "verify the audit trail")
        let result = try await store.verifyAuditChain(for: caller)
        var response = Tillit_Identity_V1_VerifyAuditChainResponse()
        response.intact = result.intact
        response.eventsChecked = result.checked
        response.firstBrokenSequence = result.firstBroken
        response.problem = result.problem
        return response
    }
}
