import Foundation
import GRDB

extension IdentityStore {
    /// A throttled subject: an account (by organisation and login e-mail, so unknown e-mails
    /// are throttled exactly like known ones) or a source address.
    enum ThrottleSubject: Sendable {
        case account(organization: String, email: String)
        case address(String)
        /// An e-mail at an organisation id that does not exist: throttled like an account, so the
        /// answers do not tell which organisation ids exist (stored without the organisation
        /// reference, which would fail).
        case unknownOrganization(organization: String, email: String)

        var scope: String {
            switch self {
            case .account: "account"
            case .address, .unknownOrganization: "address"
            }
        }

        var key: String {
            switch self {
            case .account(let organization, let email): "\(organization)/\(email)"
            case .address(let address): address
            case .unknownOrganization(let organization, let email): "unknown-org:\(organization)/\(email)"
            }
        }

        var organization: String? {
            switch self {
            case .account(let organization, _): organization
            case .address, .unknownOrganization: nil
            }
        }
    }

    /// Until when the subject is locked, if it is now.
    func lockedUntil(_ db: Database, _ subject: ThrottleSubject, at: Int64) throws -> Int64? {
        let until = try Int64.fetchOne(
            db, sql: "SELECT locked_until FROM login_throttle WHERE scope = ? AND subject = ?",
            arguments: [subject.scope, subject.key])
        guard let until, until > at else { return nil }
        return until
    }

    /// Counts a failure; at the limit the subject is locked for `firstLock × 2^(lockouts)`, capped.
    func recordFailure(
        _ db: Database, _ subject: ThrottleSubject, limit: Int, policy: ThrottlePolicy, at: Int64
    ) throws {
        let window = policy.window.components.seconds * 1000
        let row = try Row.fetchOne(
            db,
            sql:
                "SELECT failures, window_started_at, lockouts FROM login_throttle WHERE scope = ? AND subject = ?",
            arguments: [subject.scope, subject.key])
        var failures = 0
        var windowStart = at
        var lockouts = 0
        if let row {
            lockouts = row["lockouts"]
            let started: Int64 = row["window_started_at"]
            if at - started < window {
                failures = row["failures"]
                windowStart = started
            }
        }
        failures += 1
        var lockedUntil: Int64?
        if failures >= limit {
            let first = policy.firstLock.components.seconds * 1000
            let cap = policy.maximumLock.components.seconds * 1000
            let factor = Int64(1) << Int64(min(lockouts, 20))
            lockedUntil = at + min(first * factor, cap)
            lockouts += 1
            failures = 0
            windowStart = at
        }
        try db.execute(
            sql: """
                INSERT INTO login_throttle (scope, subject, organization_id, failures, window_started_at,
                    locked_until, lockouts)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope, subject) DO UPDATE SET failures = excluded.failures,
                    window_started_at = excluded.window_started_at,
                    locked_until = coalesce(excluded.locked_until, login_throttle.locked_until),
                    lockouts = excluded.lockouts
                """,
            arguments: [
                subject.scope, subject.key, subject.organization, failures, windowStart, lockedUntil,
                lockouts,
            ])
    }

    /// Clears the failure count after a successful login (lock history stays, so the next lock
    /// is still longer).
    func recordSuccess(_ db: Database, _ subject: ThrottleSubject, at: Int64) throws {
        try db.execute(
            sql:
                "UPDATE login_throttle SET failures = 0, window_started_at = ? WHERE scope = ? AND subject = ?",
            arguments: [at, subject.scope, subject.key])
    }
}
