import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension SupervisionStore {
    /// Replaces the practice's hour categories (entries keep the names they were logged with).
    func setCategories(_ names: [String], for caller: Caller) async throws -> [String] {
        try await write { db in
            try db.cachedExecute(sql: "DELETE FROM categories WHERE organization_id = ?", arguments: [caller.organization])
            for (position, name) in names.enumerated() {
                try db.cachedExecute(
                    sql: "INSERT INTO categories (organization_id, name, position) VALUES (?, ?, ?)",
                    arguments: [caller.organization, name, position])
            }
            try audit(db, AuditEvent("supervision.categories.set", detail: names.joined(separator: ", ")), by: caller)
            return names
        }
    }

    /// The practice's hour categories, in order.
    func categories(for caller: Caller) async throws -> [String] {
        try await read { db in try categories(db, organization: caller.organization) }
    }

    private func categories(_ db: Database, organization: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT name FROM categories WHERE organization_id = ? ORDER BY position"),
            arguments: [organization])
    }

    /// Logs `session`: its category must be the practice's, a relationship of the two must hold
    /// on its date with the agreement approved by then, and a correction must name an entry of
    /// the same supervisee.
    func log(_ session: SessionRecord, for caller: Caller) async throws -> SessionRecord {
        try await write { db in
            let known = try categories(db, organization: caller.organization)
            guard known.contains(session.category) else {
                throw ServiceError.invalid(
                    "category", known.isEmpty ? "the practice has no categories yet (SetCategories)"
                        : "must be one of: \(known.joined(separator: ", "))")
            }
            let holding = try relationships(db, of: session.superviseeID, includeEnded: true, organization: caller.organization)
                .filter { $0.superviseeID == session.superviseeID && $0.supervisorID == session.supervisorID && $0.holds(on: session.date) }
            guard let relationship = holding.first else {
                throw ServiceError.failedPrecondition("no supervision relationship of the two on \(session.date)")
            }
            guard session.date >= relationship.agreementApprovedOn else {
                throw ServiceError.failedPrecondition(
                    "hours count from the supervision agreement's approval on \(relationship.agreementApprovedOn)")
            }
            if let corrected = session.corrects {
                let owner = try db.cachedValue(
                    String.self, sql: "SELECT supervisee_id FROM sessions WHERE organization_id = ? AND id = ?",
                    arguments: [caller.organization, corrected])
                guard owner == session.superviseeID else { throw ServiceError.notFound("corrected entry") }
                let already = try db.cachedValue(
                    Bool.self,
                    sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE organization_id = ? AND corrects = ?)",
                    arguments: [caller.organization, corrected]) ?? false
                guard !already else {
                    throw ServiceError.failedPrecondition("that entry has a correction already; correct the correction")
                }
            }
            try db.cachedExecute(
                sql: """
                    INSERT INTO sessions (organization_id, id, supervisee_id, supervisor_id, kind, day, minutes, category,
                        note, corrects, verified_period_id, logged_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
                    """,
                arguments: [
                    caller.organization, session.id, session.superviseeID, session.supervisorID, session.kind.rawValue,
                    session.date.day, session.minutes, session.category, session.note, session.corrects,
                    session.loggedBy, session.createdAt,
                ])
            try audit(
                db,
                AuditEvent(
                    "supervision.session.log", subject: session.id,
                    detail: "supervisee \(session.superviseeID), \(session.minutes) min on \(session.date)"),
                by: caller)
            return session
        }
    }

    /// `supervisee`'s entries and verified periods in `[from, to]`, and the ids of their entries
    /// that a correction replaced (wherever the correction is); the report is recorded.
    func hours(of supervisee: String, from: CivilDate, to: CivilDate, for caller: Caller) async throws -> HoursData {
        try await write { db in
            let sessions = try db.cachedRows(
                sql: """
                    SELECT \(SessionRecord.columns) FROM sessions
                    WHERE organization_id = ? AND supervisee_id = ? AND day BETWEEN ? AND ? ORDER BY day, created_at
                    """,
                arguments: [caller.organization, supervisee, from.day, to.day]
            ).map(SessionRecord.init(row:))
            let corrected = try String.fetchSet(
                db.cachedStatement(
                    sql: """
                        SELECT corrects FROM sessions
                        WHERE organization_id = ? AND supervisee_id = ? AND corrects IS NOT NULL
                        """),
                arguments: [caller.organization, supervisee])
            let verified = try db.cachedRows(
                sql: """
                    SELECT from_day, to_day FROM verified_periods
                    WHERE organization_id = ? AND supervisee_id = ? AND from_day <= ? AND to_day >= ?
                    ORDER BY from_day
                    """,
                arguments: [caller.organization, supervisee, to.day, from.day]
            ).map { CivilDate(day: $0[0])...CivilDate(day: $0[1]) }
            try audit(
                db, AuditEvent("supervision.hours.report", subject: supervisee, detail: "\(from) – \(to)"), by: caller)
            return HoursData(sessions: sessions, corrected: corrected, verified: verified)
        }
    }

    /// Verifies `supervisee`'s entries in `[from, to]` as the caller (their supervisor): the
    /// period is recorded and its entries locked.
    func verify(supervisee: String, from: CivilDate, to: CivilDate, for caller: Caller) async throws
        -> (id: String, sessions: Int, minutes: Int)
    {
        let id = Self.newID()
        let now = nowMillis
        return try await write { db in
            let totals = try db.cachedRow(
                sql: """
                    SELECT count(*), coalesce(sum(minutes), 0) FROM sessions
                    WHERE organization_id = ? AND supervisee_id = ? AND day BETWEEN ? AND ?
                    """,
                arguments: [caller.organization, supervisee, from.day, to.day])!
            let count: Int = totals[0]
            let minutes: Int = totals[1]
            try db.cachedExecute(
                sql: """
                    INSERT INTO verified_periods (organization_id, id, supervisee_id, supervisor_id, from_day, to_day,
                        verified_at, sessions, minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [caller.organization, id, supervisee, caller.id, from.day, to.day, now, count, minutes])
            try db.cachedExecute(
                sql: """
                    UPDATE sessions SET verified_period_id = ?
                    WHERE organization_id = ? AND supervisee_id = ? AND day BETWEEN ? AND ? AND verified_period_id IS NULL
                    """,
                arguments: [id, caller.organization, supervisee, from.day, to.day])
            try audit(
                db,
                AuditEvent(
                    "supervision.period.verify", subject: id,
                    detail: "supervisee \(supervisee), \(from) – \(to): \(count) entries, \(minutes) min"),
                by: caller)
            return (id, count, minutes)
        }
    }
}
