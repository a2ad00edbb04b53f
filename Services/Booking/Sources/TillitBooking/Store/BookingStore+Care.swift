import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// Whether `practitioner` has a care relationship with `client` now: a booked appointment
    /// that has not ended, an attended one within the policy's period, or an active agreement.
    func careRelationship(practitioner: String, client: String, for caller: Caller) async throws
        -> CareRelationship
    {
        let now = nowMillis
        return try await read { db in
            try careRelationship(
                db, practitioner: practitioner, client: client, organization: caller.organization, now: now)
        }
    }

    func careRelationship(
        _ db: Database, practitioner: String, client: String, organization: String, now: Int64
    )
        throws -> CareRelationship
    {
        let policy = try policy(db, organization: organization)
        let period = Int64(policy.careRelationshipDays) * 86_400_000
        let row = try db.cachedRow(
            sql: """
                SELECT
                    (SELECT max(ends_at) FROM appointments
                     WHERE organization_id = ?1 AND client_id = ?3 AND practitioner_id = ?2
                       AND status = 'booked' AND ends_at > ?4),
                    (SELECT max(starts_at) FROM appointments
                     WHERE organization_id = ?1 AND client_id = ?3 AND practitioner_id = ?2
                       AND status = 'attended' AND starts_at > ?4 - ?5),
                    EXISTS (SELECT 1 FROM agreements
                     WHERE organization_id = ?1 AND client_id = ?3 AND practitioner_id = ?2 AND status = 'active')
                """,
            arguments: [organization, practitioner, client, now, period])!
        var relationship = CareRelationship(basis: [], holdsUntil: nil)
        if let future: Int64 = row[0] {
            relationship.basis.append(.futureAppointment)
            relationship.holdsUntil = future
        }
        if let attended: Int64 = row[1] {
            relationship.basis.append(.recentAttendance)
            relationship.holdsUntil = max(relationship.holdsUntil ?? 0, attended + period)
        }
        if row[2] as Bool { relationship.basis.append(.activeAgreement) }
        return relationship
    }

    /// `practitioner`'s attended appointments starting in each of `ranges` (one read): booked
    /// and actual minutes per range, in order.
    func contactMinutes(practitioner: String, ranges: [Range<Int64>], for caller: Caller) async throws
        -> [ContactMinutes]
    {
        try await read { db in
            try ranges.map { range in
                let row = try db.cachedRow(
                    sql: """
                        SELECT coalesce(sum(ends_at - starts_at), 0), coalesce(sum(actual_end - actual_start), 0), count(*)
                        FROM appointments
                        WHERE organization_id = ? AND practitioner_id = ? AND starts_at >= ? AND starts_at < ?
                          AND status = 'attended'
                        """,
                    arguments: [caller.organization, practitioner, range.lowerBound, range.upperBound])!
                let booked: Int64 = row[0]
                let actual: Int64 = row[1]
                return ContactMinutes(booked: booked / 60_000, actual: actual / 60_000, appointments: row[2])
            }
        }
    }
}
