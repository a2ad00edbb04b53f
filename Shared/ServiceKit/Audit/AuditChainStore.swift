import Foundation
import GRDB
import TillitStorage

/// A service store whose database keeps an organisation audit chain (`AuditTrail`): conforming
/// gives it `AuditReading` — the events, the verification and the checkpoint of the caller's
/// organisation — read alike in every service.
public protocol AuditChainStore: AuditReading {
    /// The database holding `audit_events` and `audit_heads`.
    var auditDatabase: ServiceDatabase { get }
    /// The keys the chain is sealed with.
    var audit: AuditTrail { get }
}

extension AuditChainStore {
    /// A page of the caller's organisation's audit events (`AuditTrail.list`).
    public func auditEvents(matching query: AuditQuery, for caller: Caller) async throws -> [AuditRecord] {
        try await auditDatabase.read { db in
            try AuditTrail.list(query, organization: caller.organization, db: db)
        }
    }

    /// Verifies the caller's organisation's chain (`AuditTrail.verify`).
    public func verifyAuditChain(for caller: Caller, checkpoint: AuditCheckpoint?) async throws
        -> AuditVerification
    {
        let audit = self.audit
        return try await auditDatabase.read { db in
            try audit.verify(organization: caller.organization, checkpoint: checkpoint, db: db)
        }
    }

    /// The head of the caller's organisation's chain.
    public func auditCheckpoint(for caller: Caller) async throws -> AuditCheckpoint {
        try await auditDatabase.read { db in
            try AuditTrail.checkpoint(organization: caller.organization, db: db)
        }
    }
}
