import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// The practice's booking policy, or the defaults.
    func policy(for caller: Caller) async throws -> BookingPolicyRecord {
        try await read { db in try policy(db, organization: caller.organization) }
    }

    /// Replaces the practice's booking policy.
    func setPolicy(_ policy: BookingPolicyRecord, by caller: Caller) async throws -> BookingPolicyRecord {
        var stored = policy
        stored.updatedAt = nowMillis
        stored.updatedBy = caller.id
        let value = stored
        return try await write { db in
            try db.cachedExecute(
                sql: """
                    INSERT INTO booking_policies (organization_id, cancellation_window_minutes, minimum_notice_minutes,
                        care_relationship_days, cancellation_terms, updated_at, updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (organization_id) DO UPDATE SET
                        cancellation_window_minutes = excluded.cancellation_window_minutes,
                        minimum_notice_minutes = excluded.minimum_notice_minutes,
                        care_relationship_days = excluded.care_relationship_days,
                        cancellation_terms = excluded.cancellation_terms, updated_at = excluded.updated_at,
                        updated_by = excluded.updated_by
                    """,
                arguments: [
                    caller.organization, value.cancellationWindowMinutes, value.minimumNoticeMinutes,
                    value.careRelationshipDays, value.cancellationTerms, value.updatedAt, caller.id,
                ])
            try audit(
                db,
                AuditEvent(
                    "policy.set",
                    detail:
                        "cancellation window \(value.cancellationWindowMinutes) min, notice \(value.minimumNoticeMinutes) min, care \(value.careRelationshipDays) d"
                ), by: caller)
            return value
        }
    }

    func policy(_ db: Database, organization: String) throws -> BookingPolicyRecord {
        guard
            let row = try db.cachedRow(
                sql: """
                    SELECT cancellation_window_minutes, minimum_notice_minutes, care_relationship_days,
                        cancellation_terms, updated_at, updated_by FROM booking_policies WHERE organization_id = ?
                    """,
                arguments: [organization])
        else { return .defaults }
        return BookingPolicyRecord(
            cancellationWindowMinutes: row[0], minimumNoticeMinutes: row[1], careRelationshipDays: row[2],
            cancellationTerms: row[3], updatedAt: row[4], updatedBy: row[5])
    }
}
