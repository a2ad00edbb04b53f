import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// One row of `login_limits`, its window rolled forward to `at`.
    struct LimitRow: Sendable {
        var kind: String
        var subject: String
        var failures = 0
        var windowStartedAt: Int64
        var lockedUntil: Int64?
        var lockouts = 0
        var trustedUntil: Int64?

        func isLocked(at: Int64) -> Bool { (lockedUntil ?? 0) > at }
        func isTrusted(at: Int64) -> Bool { (trustedUntil ?? 0) > at }
    }

    /// Rows pruned per reservation at most (expired ones, oldest first).
    static let pruneBatch = 64

    /// Reserves one password check against `throttle` in the caller's write transaction, before
    /// any hashing: nil (nothing counted) when the source or the pair is locked, when either has
    /// as many attempts counted as its limit (concurrent attempts included), or when the account
    /// is at its account-wide rate and the source has not signed in to it recently. Otherwise the
    /// attempt counts as a failure of all three until `releaseReservation` gives it back. Also
    /// prunes expired rows.
    func reserveCheck(_ db: Database, _ throttle: LoginThrottle, policy: ThrottlePolicy, at: Int64)
        throws -> LoginReservation?
    {
        try pruneExpiredLimits(db, at: at)
        var source = try limitRow(db, "source", throttle.source, policy: policy, at: at)
        var pair = try limitRow(db, "pair", throttle.pair, policy: policy, at: at)
        var account = try limitRow(db, "account", throttle.account, policy: policy, at: at)
        if source.isLocked(at: at) || pair.isLocked(at: at) { return nil }
        if source.failures >= policy.addressFailures || pair.failures >= policy.pairFailures { return nil }
        let trusted = pair.isTrusted(at: at)
        if !trusted && account.failures >= policy.accountFailures { return nil }
        source.failures += 1
        pair.failures += 1
        try saveLimit(db, source, policy: policy)
        try saveLimit(db, pair, policy: policy)
        if !trusted {
            account.failures += 1
            try saveLimit(db, account, policy: policy)
        }
        return LoginReservation(throttle: throttle, countedOnAccount: !trusted)
    }

    /// Settles a failed check: a source or pair at its limit is locked from now for
    /// `firstLock × 2^(earlier locks)`, capped at `maximumLock`, and its count starts again.
    func settleFailure(_ db: Database, _ reservation: LoginReservation, policy: ThrottlePolicy, at: Int64)
        throws
    {
        let throttle = reservation.throttle
        for (kind, subject, limit) in [
            ("source", throttle.source, policy.addressFailures),
            ("pair", throttle.pair, policy.pairFailures),
        ] {
            var row = try limitRow(db, kind, subject, policy: policy, at: at)
            guard row.failures >= limit, !row.isLocked(at: at) else { continue }
            let first = Self.millis(policy.firstLock)
            let factor = Int64(1) << Int64(min(row.lockouts, 20))
            row.lockedUntil = at + min(first * factor, Self.millis(policy.maximumLock))
            row.lockouts += 1
            row.failures = 0
            row.windowStartedAt = at
            try saveLimit(db, row, policy: policy)
        }
    }

    /// Gives a reservation back: after a success (`trust`: the pair's count starts again and
    /// its source is exempt from the account-wide rate for `trustedSourceLifetime`; lock history
    /// stays, so the next lock is still longer), or when the check never ran (the hasher refused).
    func releaseReservation(
        _ db: Database, _ reservation: LoginReservation, trust: Bool, policy: ThrottlePolicy, at: Int64
    ) throws {
        let throttle = reservation.throttle
        var subjects = [("source", throttle.source), ("pair", throttle.pair)]
        if reservation.countedOnAccount { subjects.append(("account", throttle.account)) }
        for (kind, subject) in subjects {
            var row = try limitRow(db, kind, subject, policy: policy, at: at)
            row.failures = max(0, row.failures - 1)
            if trust && kind == "pair" {
                row.failures = 0
                row.trustedUntil = at + Self.millis(policy.trustedSourceLifetime)
            }
            try saveLimit(db, row, policy: policy)
        }
    }

    /// Whether a failed login of an unknown e-mail at `organization` is audited on its own (the
    /// first `unknownAccountAuditsPerHour` per hour); beyond that it is only counted. Returns the
    /// detail of an extra event summing up the previous hour's uncounted ones, if any.
    func countUnknownAccountFailure(_ db: Database, organization: String, policy: ThrottlePolicy, at: Int64)
        throws -> (auditThis: Bool, summary: String?)
    {
        let hour: Int64 = 3_600_000
        var row = try limitRow(db, "unknown_audit", organization, policy: policy, at: at, window: hour)
        var summary: String?
        if let stored = try storedFailures(db, "unknown_audit", organization), stored.started + hour <= at,
            stored.failures > policy.unknownAccountAuditsPerHour
        {
            summary =
                "\(stored.failures - policy.unknownAccountAuditsPerHour) further failed logins of unknown "
                + "accounts in the hour from \(stored.started) ms were counted, not audited one by one"
        }
        row.failures += 1
        try saveLimit(db, row, policy: policy, window: hour)
        return (row.failures <= policy.unknownAccountAuditsPerHour, summary)
    }

    /// How many throttle rows are stored (for tests and metrics).
    func limitRowCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM login_limits") ?? 0 }
    }

    // MARK: - Rows

    /// Deletes up to `pruneBatch` rows whose window, lock and trust are over and whose lock
    /// history (kept `maximumLock` longer, so repeated locks still grow) no longer matters.
    private func pruneExpiredLimits(_ db: Database, at: Int64) throws {
        try db.execute(
            sql: """
                DELETE FROM login_limits WHERE rowid IN (
                    SELECT rowid FROM login_limits WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)
                """,
            arguments: [at, Self.pruneBatch])
    }

    private func storedFailures(_ db: Database, _ kind: String, _ subject: String) throws
        -> (failures: Int, started: Int64)?
    {
        try Row.fetchOne(
            db, sql: "SELECT failures, window_started_at FROM login_limits WHERE kind = ? AND subject = ?",
            arguments: [kind, subject]
        ).map { ($0["failures"], $0["window_started_at"]) }
    }

    /// The row of `(kind, subject)`, a fresh one if none; a window older than `window`
    /// (default the policy's) starts again at `at`.
    private func limitRow(
        _ db: Database, _ kind: String, _ subject: String, policy: ThrottlePolicy, at: Int64,
        window: Int64? = nil
    ) throws -> LimitRow {
        let length = window ?? Self.millis(policy.window)
        guard
            let stored = try Row.fetchOne(
                db,
                sql: """
                    SELECT failures, window_started_at, locked_until, lockouts, trusted_until
                    FROM login_limits WHERE kind = ? AND subject = ?
                    """,
                arguments: [kind, subject])
        else { return LimitRow(kind: kind, subject: subject, windowStartedAt: at) }
        var row = LimitRow(
            kind: kind, subject: subject, failures: stored["failures"],
            windowStartedAt: stored["window_started_at"], lockedUntil: stored["locked_until"],
            lockouts: stored["lockouts"], trustedUntil: stored["trusted_until"])
        if at - row.windowStartedAt >= length {
            row.failures = 0
            row.windowStartedAt = at
        }
        return row
    }

    /// Stores `row`, expiring once its window, lock and trust are over plus `maximumLock`.
    private func saveLimit(_ db: Database, _ row: LimitRow, policy: ThrottlePolicy, window: Int64? = nil)
        throws
    {
        let windowEnd = row.windowStartedAt + (window ?? Self.millis(policy.window))
        let expiresAt =
            max(windowEnd, row.lockedUntil ?? 0, row.trustedUntil ?? 0) + Self.millis(policy.maximumLock)
        try db.execute(
            sql: """
                INSERT INTO login_limits (kind, subject, failures, window_started_at, locked_until, lockouts,
                    trusted_until, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, subject) DO UPDATE SET failures = excluded.failures,
                    window_started_at = excluded.window_started_at, locked_until = excluded.locked_until,
                    lockouts = excluded.lockouts, trusted_until = excluded.trusted_until,
                    expires_at = excluded.expires_at
                """,
            arguments: [
                row.kind, row.subject, row.failures, row.windowStartedAt, row.lockedUntil, row.lockouts,
                row.trustedUntil, expiresAt,
            ])
    }

    private static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
