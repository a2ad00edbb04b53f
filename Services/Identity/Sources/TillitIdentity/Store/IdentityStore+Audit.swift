import Foundation
import GRDB

extension IdentityStore {
    /// Appends an audit event to `organization`'s chain in the current transaction.
    func audit(_ db: Database, organization: String, _ entry: AuditEntry, requestID: String) throws {
        try AuditChain.append(entry, organization: organization, at: nowMillis, requestID: requestID, db: db)
    }

    /// Appends an audit event to the caller's organisation's chain in the current transaction.
    func audit(_ db: Database, _ caller: Caller, _ entry: AuditEntry) throws {
        try audit(db, organization: caller.organization, entry, requestID: caller.requestID)
    }

    /// A page of the caller's organisation's audit events matching `filter`, newest first.
    func auditEvents(matching filter: AuditEventFilter, page: Paging, for caller: Caller) async throws
        -> (events: [AuditEventRecord], hasMore: Bool)
    {
        try await read { db in
            try requireActiveCaller(db, caller)
            let rows = try Row.fetchAll(
                db,
                sql: AuditEventRecord.selection + """
                     WHERE organization_id = ? AND (? IS NULL OR actor = ?) AND (? IS NULL OR client = ?)
                        AND (? = '' OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)
                    ORDER BY seq DESC LIMIT ? OFFSET ?
                    """,
                arguments: [
                    caller.organization, filter.actor, filter.actor, filter.client, filter.client,
                    filter.action, filter.action, filter.start, filter.start, filter.end, filter.end,
                    page.size + 1, page.offset,
                ])
            return (rows.prefix(page.size).map(AuditEventRecord.init(row:)), rows.count > page.size)
        }
    }

    /// Recomputes the caller's organisation's audit chain from its first event.
    func verifyAuditChain(for caller: Caller) async throws -> AuditChain.Verification {
        try await read { db in
            try requireActiveCaller(db, caller)
            return try AuditChain.verify(organization: caller.organization, db: db)
        }
    }
}
