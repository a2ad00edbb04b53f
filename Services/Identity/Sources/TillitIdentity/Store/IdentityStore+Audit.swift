import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Appends `event` to `actor.organization`'s chain in the current transaction, now.
    func audit(_ db: Database, _ event: AuditEvent, by actor: AuditActor) throws {
        try audit.append(event, by: actor, at: nowMillis, db: db)
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
    /// ends at its head and holds `checkpoint` (`AuditTrail.verify`).
    func verifyAuditChain(for caller: Caller, checkpoint: AuditCheckpoint? = nil) async throws
        -> AuditVerification
    {
        try await read { db in
            try requireActiveCaller(db, caller)
            return try audit.verify(organization: caller.organization, checkpoint: checkpoint, db: db)
        }
    }
}

extension IdentityStore {
    /// The head of the caller's organisation's audit chain now (`AuditTrail.checkpoint`).
    func auditCheckpoint(for caller: Caller) async throws -> AuditCheckpoint {
        try await read { db in
            try requireActiveCaller(db, caller)
            return try AuditTrail.checkpoint(organization: caller.organization, db: db)
        }
    }
}
