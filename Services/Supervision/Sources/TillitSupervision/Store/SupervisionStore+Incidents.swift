import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension SupervisionStore {
    /// Logs `incident` and applies the practice's pattern rule in the same transaction: when the
    /// supervisee has `threshold` incidents of its category in the window ending on its date and
    /// no open flag of that category, a flag is raised and returned.
    func log(_ incident: IncidentRecord, for caller: Caller) async throws -> (IncidentRecord, FlagRecord?) {
        try await write { db in
            try db.cachedExecute(
                sql: """
                    INSERT INTO incidents (organization_id, id, supervisee_id, category, day, text, logged_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    caller.organization, incident.id, incident.superviseeID, incident.category.rawValue,
                    incident.date.day, incident.text, incident.loggedBy, incident.createdAt,
                ])
            try audit(
                db,
                AuditEvent(
                    "supervision.incident.log", subject: incident.id,
                    detail: "supervisee \(incident.superviseeID), \(incident.category.rawValue) on \(incident.date)"),
                by: caller)
            let rule = try patternRule(db, organization: caller.organization)
            // Every window of the rule's length holding this incident's day (a back-dated
            // incident can complete a pattern with later ones).
            let days = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT day FROM incidents WHERE organization_id = ? AND supervisee_id = ? AND category = ?
                          AND day BETWEEN ? AND ? ORDER BY day
                        """),
                arguments: [
                    caller.organization, incident.superviseeID, incident.category.rawValue,
                    incident.date.day - Int64(rule.windowDays - 1), incident.date.day + Int64(rule.windowDays - 1),
                ])
            let count = rule.largestCount(in: days, around: incident.date.day)
            guard count >= rule.threshold else { return (incident, nil) }
            let open = try db.cachedValue(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM flags WHERE organization_id = ? AND supervisee_id = ? AND category = ?
                        AND cleared_at IS NULL)
                    """,
                arguments: [caller.organization, incident.superviseeID, incident.category.rawValue]) ?? false
            guard !open else { return (incident, nil) }
            let flag = FlagRecord(
                id: Self.newID(), superviseeID: incident.superviseeID, category: incident.category, incidents: count,
                raisedOn: incident.date, clearedAt: nil, clearedInSession: nil)
            try db.cachedExecute(
                sql: """
                    INSERT INTO flags (organization_id, id, supervisee_id, category, incidents, raised_on)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [caller.organization, flag.id, flag.superviseeID, flag.category.rawValue, count, flag.raisedOn.day])
            try audit(
                db,
                AuditEvent(
                    "supervision.flag.raise", subject: flag.id,
                    detail: "supervisee \(flag.superviseeID): \(count) × \(flag.category.rawValue) in \(rule.windowDays) days"),
                by: caller)
            return (incident, flag)
        }
    }

    /// The practice's rule (the default when none is set).
    func patternRule(_ db: Database, organization: String) throws -> PatternRule {
        guard
            let row = try db.cachedRow(
                sql: "SELECT threshold, window_days FROM pattern_rules WHERE organization_id = ?",
                arguments: [organization])
        else { return .standard }
        return PatternRule(threshold: row[0], windowDays: row[1])
    }

    /// Sets the practice's rule.
    func setPatternRule(_ rule: PatternRule, for caller: Caller) async throws -> PatternRule {
        try await write { db in
            try db.cachedExecute(
                sql: """
                    INSERT INTO pattern_rules (organization_id, threshold, window_days) VALUES (?, ?, ?)
                    ON CONFLICT (organization_id) DO UPDATE SET threshold = excluded.threshold, window_days = excluded.window_days
                    """,
                arguments: [caller.organization, rule.threshold, rule.windowDays])
            try audit(
                db, AuditEvent("supervision.pattern_rule.set", detail: "\(rule.threshold) in \(rule.windowDays) days"),
                by: caller)
            return rule
        }
    }

    /// `supervisee`'s incidents, newest first; recorded.
    func incidents(of supervisee: String, for caller: Caller) async throws -> [IncidentRecord] {
        try await write { db in
            let rows = try db.cachedRows(
                sql: """
                    SELECT \(IncidentRecord.columns) FROM incidents WHERE organization_id = ? AND supervisee_id = ?
                    ORDER BY day DESC, created_at DESC
                    """,
                arguments: [caller.organization, supervisee])
            try audit(db, AuditEvent("supervision.incident.list", subject: supervisee), by: caller)
            return try rows.map(IncidentRecord.init(row:))
        }
    }

    /// The flags of `supervisees`, newest first.
    func flags(of supervisees: [String], includeCleared: Bool, for caller: Caller) async throws -> [FlagRecord] {
        try await read { db in
            try supervisees.flatMap { supervisee in
                try db.cachedRows(
                    sql: """
                        SELECT \(FlagRecord.columns) FROM flags WHERE organization_id = ?1 AND supervisee_id = ?2
                          AND (?3 OR cleared_at IS NULL) ORDER BY raised_on DESC
                        """,
                    arguments: [caller.organization, supervisee, includeCleared]
                ).map(FlagRecord.init(row:))
            }
        }
    }

    /// Clears flag `id` in supervision session `session`; `mayClear` decides on the flag.
    func clear(
        _ id: String, inSession session: String, for caller: Caller,
        mayClear: @escaping @Sendable (FlagRecord) -> Bool
    ) async throws -> FlagRecord {
        let now = nowMillis
        return try await write { db in
            guard
                let row = try db.cachedRow(
                    sql: "SELECT \(FlagRecord.columns) FROM flags WHERE organization_id = ? AND id = ?",
                    arguments: [caller.organization, id])
            else { throw ServiceError.notFound("flag") }
            var flag = try FlagRecord(row: row)
            guard mayClear(flag) else { throw ServiceError.notFound("flag") }
            guard flag.clearedAt == nil else { throw ServiceError.failedPrecondition("the flag is cleared already") }
            let sessionOwner = try db.cachedValue(
                String.self, sql: "SELECT supervisee_id FROM sessions WHERE organization_id = ? AND id = ?",
                arguments: [caller.organization, session])
            guard sessionOwner == flag.superviseeID else { throw ServiceError.notFound("supervision session") }
            try db.cachedExecute(
                sql: """
                    UPDATE flags SET cleared_at = ?, cleared_by = ?, cleared_in_session = ? WHERE organization_id = ? AND id = ?
                    """,
                arguments: [now, caller.id, session, caller.organization, id])
            flag.clearedAt = now
            flag.clearedInSession = session
            try audit(db, AuditEvent("supervision.flag.clear", subject: id, detail: "in session \(session)"), by: caller)
            return flag
        }
    }

    /// Incidents per category in `[from, to]` (counts only); recorded.
    func incidentCounts(from: CivilDate, to: CivilDate, for caller: Caller) async throws -> [(IncidentCategory, Int)] {
        try await write { db in
            let rows = try db.cachedRows(
                sql: """
                    SELECT category, count(*) FROM incidents WHERE organization_id = ? AND day BETWEEN ? AND ?
                    GROUP BY category
                    """,
                arguments: [caller.organization, from.day, to.day])
            try audit(db, AuditEvent("supervision.incident.counts", detail: "\(from) – \(to)"), by: caller)
            return rows.compactMap { row in IncidentCategory(rawValue: row[0]).map { ($0, row[1]) } }
        }
    }
}
