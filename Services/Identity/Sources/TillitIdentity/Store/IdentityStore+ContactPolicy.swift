import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// The caller's organisation's contact policy and the IANA time zone its hours are in.
    func contactPolicy(for caller: Caller) async throws -> (policy: ContactPolicyRecord, timeZone: String) {
        let (policy, timeZone) = try await read { db in
            try requireActiveCaller(db, caller)
            return (
                try contactPolicy(db, organization: caller.organization),
                try String.fetchOne(
                    db, sql: "SELECT time_zone FROM organizations WHERE id = ?",
                    arguments: [caller.organization])
            )
        }
        guard let timeZone else { throw ServiceError.notFound("organisation") }
        return (policy, timeZone)
    }

    /// Replaces the caller's organisation's contact policy, audited as `contact_policy.set`;
    /// returns it as stored.
    func setContactPolicy(_ policy: ContactPolicyInput, by caller: Caller) async throws -> ContactPolicyRecord
    {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            try replaceContactPolicy(db, organization: caller.organization, policy, by: caller.id, at: at)
            try audit(
                db,
                AuditEvent(
                    "contact_policy.set",
                    detail:
                        "hours: \(policy.hours.count); night: \(policy.nightRule); weekend: \(policy.weekendRule)"
                ), by: AuditActor(caller))
            return try contactPolicy(db, organization: caller.organization)
        }
    }

    /// The organisation's policy; `ContactPolicyRecord.unset` when none was set.
    private func contactPolicy(_ db: Database, organization: String) throws -> ContactPolicyRecord {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT night_rule, weekend_rule, emergency_instructions, updated_at, updated_by
                    FROM contact_policies WHERE organization_id = ?
                    """,
                arguments: [organization])
        else { return .unset }
        let hours = try Row.fetchAll(
            db,
            sql:
                "SELECT weekday, start_minute, end_minute FROM contact_hours WHERE organization_id = ? ORDER BY weekday, start_minute",
            arguments: [organization]
        ).map {
            ContactPolicyInput.Hours(weekday: $0["weekday"], start: $0["start_minute"], end: $0["end_minute"])
        }
        let lines = try Row.fetchAll(
            db,
            sql:
                "SELECT name, phone, hours, url FROM crisis_lines WHERE organization_id = ? ORDER BY position",
            arguments: [organization]
        ).map {
            ContactPolicyInput.Line(name: $0["name"], phone: $0["phone"], hours: $0["hours"], url: $0["url"])
        }
        return ContactPolicyRecord(
            hours: hours, nightRule: row["night_rule"], weekendRule: row["weekend_rule"],
            emergencyInstructions: row["emergency_instructions"], crisisLines: lines,
            updatedAt: row["updated_at"], updatedBy: row["updated_by"])
    }

    /// Replaces the organisation's policy with `policy`.
    private func replaceContactPolicy(
        _ db: Database, organization: String, _ policy: ContactPolicyInput, by account: String, at: Int64
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO contact_policies (organization_id, night_rule, weekend_rule, emergency_instructions,
                    updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization_id) DO UPDATE SET night_rule = excluded.night_rule,
                    weekend_rule = excluded.weekend_rule, emergency_instructions = excluded.emergency_instructions,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """,
            arguments: [
                organization, policy.nightRule, policy.weekendRule, policy.emergencyInstructions, at, account,
            ])
        try db.execute(sql: "DELETE FROM contact_hours WHERE organization_id = ?", arguments: [organization])
        try db.execute(sql: "DELETE FROM crisis_lines WHERE organization_id = ?", arguments: [organization])
        for hours in policy.hours {
            try db.execute(
                sql:
                    "INSERT INTO contact_hours (organization_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)",
                arguments: [organization, hours.weekday, hours.start, hours.end])
        }
        for (position, line) in policy.crisisLines.enumerated() {
            try db.execute(
                sql:
                    "INSERT INTO crisis_lines (organization_id, position, name, phone, hours, url) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [organization, position, line.name, line.phone, line.hours, line.url])
        }
    }
}
