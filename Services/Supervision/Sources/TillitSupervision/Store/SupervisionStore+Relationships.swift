import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension SupervisionStore {
    /// Starts `relationship` (one active per pair: ALREADY_EXISTS otherwise).
    func create(_ relationship: RelationshipRecord, for caller: Caller) async throws -> RelationshipRecord {
        try await write { db in
            let exists = try db.cachedValue(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM relationships WHERE organization_id = ? AND supervisor_id = ?
                        AND supervisee_id = ? AND ends_on IS NULL)
                    """,
                arguments: [caller.organization, relationship.supervisorID, relationship.superviseeID]) ?? false
            guard !exists else { throw ServiceError.alreadyExists("an active relationship of these two") }
            try db.cachedExecute(
                sql: """
                    INSERT INTO relationships (organization_id, id, supervisor_id, supervisee_id, starts_on, ends_on,
                        mode, agreement_approved_on, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, relationship.id, relationship.supervisorID, relationship.superviseeID,
                    relationship.startsOn.day, relationship.mode.rawValue, relationship.agreementApprovedOn.day,
                    relationship.createdAt, caller.id,
                ])
            try audit(
                db,
                AuditEvent(
                    "supervision.relationship.create", subject: relationship.id,
                    detail: "supervisor \(relationship.supervisorID), supervisee \(relationship.superviseeID), "
                        + "mode \(relationship.mode.rawValue)"),
                by: caller)
            return relationship
        }
    }

    /// Ends relationship `id` on `date`; `mayEnd` decides on the stored row.
    func end(
        _ id: String, on date: CivilDate, for caller: Caller,
        mayEnd: @escaping @Sendable (RelationshipRecord) -> Bool
    ) async throws -> RelationshipRecord {
        try await write { db in
            var record = try relationship(db, id, organization: caller.organization)
            // Another supervisor's relationship does not exist for them.
            guard mayEnd(record) else { throw ServiceError.notFound("relationship") }
            guard record.endsOn == nil else { throw ServiceError.failedPrecondition("the relationship has ended") }
            guard date >= record.startsOn else {
                throw ServiceError.invalid("ends_on", "must not be before the relationship starts")
            }
            record.endsOn = date
            try db.cachedExecute(
                sql: "UPDATE relationships SET ends_on = ? WHERE organization_id = ? AND id = ?",
                arguments: [date.day, caller.organization, id])
            try audit(db, AuditEvent("supervision.relationship.end", subject: id, detail: "on \(date)"), by: caller)
            return record
        }
    }

    /// Relationship `id`, or NOT_FOUND.
    func relationship(_ db: Database, _ id: String, organization: String) throws -> RelationshipRecord {
        guard
            let row = try db.cachedRow(
                sql: "SELECT \(RelationshipRecord.columns) FROM relationships WHERE organization_id = ? AND id = ?",
                arguments: [organization, id])
        else { throw ServiceError.notFound("relationship") }
        return try RelationshipRecord(row: row)
    }

    /// The relationships `account` is a party of (all of the organisation when nil).
    func relationships(of account: String?, includeEnded: Bool, for caller: Caller) async throws
        -> [RelationshipRecord]
    {
        try await read { db in try relationships(db, of: account, includeEnded: includeEnded, organization: caller.organization) }
    }

    /// As `relationships(of:includeEnded:for:)` in a transaction.
    func relationships(_ db: Database, of account: String?, includeEnded: Bool, organization: String) throws
        -> [RelationshipRecord]
    {
        try db.cachedRows(
            sql: """
                SELECT \(RelationshipRecord.columns) FROM relationships
                WHERE organization_id = ?1 AND (?2 IS NULL OR supervisor_id = ?2 OR supervisee_id = ?2)
                  AND (?3 OR ends_on IS NULL)
                ORDER BY created_at, id
                """,
            arguments: [organization, account, includeEnded]
        ).map(RelationshipRecord.init(row:))
    }
}
