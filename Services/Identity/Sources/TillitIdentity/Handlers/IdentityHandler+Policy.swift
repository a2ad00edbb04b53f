import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func getContactPolicy(_ request: Tillit_Identity_V1_GetContactPolicyRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_GetContactPolicyResponse
    {
        let caller = try Caller.current(context)
        let (policy, timeZone) = try await store.read { db in
            _ = try activeAccount(db, caller)
            return (try store.contactPolicy(db, organization: caller.organization),
                try String.fetchOne(db, sql: "SELECT time_zone FROM organizations WHERE id = ?", arguments: [caller.organization]))
        }
        guard let timeZone else { throw IdentityError.notFound("organisation") }
        var response = Tillit_Identity_V1_GetContactPolicyResponse()
        response.policy = policy
        response.timeZone = timeZone
        return response
    }

    func setContactPolicy(_ request: Tillit_Identity_V1_SetContactPolicyRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_SetContactPolicyResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change the contact policy")
        let policy = try ContactPolicyInput(request.policy)
        let at = store.nowMillis
        let stored = try await store.write { db in
            _ = try activeAccount(db, caller)
            try store.replaceContactPolicy(db, organization: caller.organization, policy, by: caller.id, at: at)
            try audit(db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "contact_policy.set",
                    detail: "hours: \(policy.hours.count); night: \(policy.nightRule); weekend: \(policy.weekendRule)"),
                requestID: caller.requestID)
            return try store.contactPolicy(db, organization: caller.organization)
        }
        var response = Tillit_Identity_V1_SetContactPolicyResponse()
        response.policy = stored
        return response
    }

    func listAuditEvents(_ request: Tillit_Identity_V1_ListAuditEventsRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_ListAuditEventsResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin || caller.isClient, "read the audit trail")
        let page = try Paging(request.page)
        let actor = request.hasActor && !request.actor.value.isEmpty ? try Self.accountID(request.actor, field: "actor") : nil
        let requested = request.hasClient && !request.client.value.isEmpty ? try Self.accountID(request.client, field: "client") : nil
        if caller.isClient {
            // A client sees who accessed their record: the events about them, nothing else.
            guard requested == nil || requested == caller.id else { throw IdentityError.denied("not allowed to read another client's events") }
        }
        let client = caller.isClient ? caller.id : requested
        let action = try Validation.text(request.action, field: "action", max: 100)
        let start = request.hasDuring && request.during.hasStart ? WireMapping.millis(request.during.start) : nil
        let end = request.hasDuring && request.during.hasEnd ? WireMapping.millis(request.during.end) : nil
        let (events, more) = try await store.read { db -> ([Tillit_Identity_V1_AuditEvent], Bool) in
            _ = try activeAccount(db, caller)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, at, actor, on_behalf_of, action, outcome, subject, client, request_id, detail,
                        prev_hash, hash
                    FROM audit_events
                    WHERE organization_id = ? AND (? IS NULL OR actor = ?) AND (? IS NULL OR client = ?)
                        AND (? = '' OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)
                    ORDER BY seq DESC LIMIT ? OFFSET ?
                    """,
                arguments: [
                    caller.organization, actor, actor, client, client, action, action, start, start, end, end,
                    page.size + 1, page.offset,
                ])
            let events = rows.prefix(page.size).map { row in
                var event = Tillit_Identity_V1_AuditEvent()
                event.sequence = UInt64(row["seq"] as Int64)
                event.at = WireMapping.timestamp(millis: row["at"])
                if let actor = WireMapping.accountID(row["actor"]) { event.actor = actor }
                if let onBehalfOf = WireMapping.accountID(row["on_behalf_of"]) { event.onBehalfOf = onBehalfOf }
                event.action = row["action"]
                event.outcome = WireMapping.outcome(row["outcome"])
                if let subject = WireMapping.accountID(row["subject"]) { event.subject = subject }
                if let client = WireMapping.accountID(row["client"]) { event.client = client }
                event.requestID = row["request_id"]
                event.detail = row["detail"]
                event.hash = row["hash"]
                event.previousHash = row["prev_hash"]
                return event
            }
            return (events, rows.count > page.size)
        }
        var response = Tillit_Identity_V1_ListAuditEventsResponse()
        response.events = events
        response.page = page.response(hasMore: more)
        return response
    }

    func verifyAuditChain(_ request: Tillit_Identity_V1_VerifyAuditChainRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_VerifyAuditChainResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "verify the audit trail")
        let result = try await store.read { db in
            _ = try activeAccount(db, caller)
            return try AuditChain.verify(organization: caller.organization, db: db)
        }
        var response = Tillit_Identity_V1_VerifyAuditChainResponse()
        response.intact = result.intact
        response.eventsChecked = result.checked
        response.firstBrokenSequence = result.firstBroken
        response.problem = result.problem
        return response
    }
}
