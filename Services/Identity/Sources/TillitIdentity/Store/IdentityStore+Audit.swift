import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Appends `event` to `actor.organization`'s chain in the current transaction, now.
    func audit(_ db: Database, _ event: AuditEvent, by actor: AuditActor) throws {
        try AuditTrail.append(event, by: actor, at: nowMillis, db: db)
    }

    /// A page of the caller's organisation's audit events matching `query`, newest first
    /// (`AuditTrail.list`).
    func auditEvents(matching query: AuditQuery, for caller: Caller) async throws -> [AuditRecord] {
        try await read { db in
            try requireActiveCaller(db, caller)
            return try AuditTrail.list(query, organization: caller.organization, db: db)
        }
    }

    /// Recomputes the caller's organisation's audit chain from its first event and checks it
    /// ends at its head (`AuditTrail.verify`).
    func verifyAuditChain(for caller: Caller) async throws -> AuditVerification {
        try await read { db in
            try requireActiveCaller(db, caller)
            return try AuditTrail.verify(organization: caller.organization, db: db)
        }
    }
}
