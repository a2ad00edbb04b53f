import Foundation
import GRDB
import TillitServiceKit

extension NotesStore {
    /// A page of the caller's organisation's audit events (`AuditTrail.list`).
    func auditEvents(matching query: AuditQuery, for caller: Caller) async throws -> [AuditRecord] {
        try await read { db in try AuditTrail.list(query, organization: caller.organization, db: db) }
    }

    /// Verifies the caller's organisation's chain (`AuditTrail.verify`).
    func verifyAuditChain(for caller: Caller, checkpoint: AuditCheckpoint?) async throws -> AuditVerification
    {
        try await read { db in
            try audit.verify(organization: caller.organization, checkpoint: checkpoint, db: db)
        }
    }

    /// The head of the caller's organisation's chain.
    func auditCheckpoint(for caller: Caller) async throws -> AuditCheckpoint {
        try await read { db in try AuditTrail.checkpoint(organization: caller.organization, db: db) }
    }
}
