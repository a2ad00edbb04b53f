import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// What ChangePassword verifies the current password against: the caller's stored hash and
    /// the check's reservation against the (account, source) pair and the source, counted before
    /// hashing like a login's. RESOURCE_EXHAUSTED while throttled; UNAUTHENTICATED unless the
    /// caller is active.
    func currentPasswordCheck(for caller: Caller, address: String, policy: ThrottlePolicy) async throws
        -> (password: PasswordHash?, reservation: LoginReservation?)
    {
        let at = nowMillis
        return try await write { db in
            let account = try activeAccount(db, caller)
            guard let email = account.email else {
                return (try currentPassword(db, account: caller.id), nil)
            }
            let throttle = LoginThrottle(organization: caller.organization, email: email, address: address)
            guard let reservation = try reserveCheck(db, throttle, policy: policy, at: at) else {
                throw ServiceError.throttled
            }
            return (try currentPassword(db, account: caller.id), reservation)
        }
    }

    /// Settles a wrong current password's reservation (locking at the limit, as a login's),
    /// audited as a failed `password.change`.
    func recordWrongCurrentPassword(
        reservation: LoginReservation?, policy: ThrottlePolicy, for caller: Caller
    ) async throws {
        let at = nowMillis
        try await write { db in
            if let reservation { try settleFailure(db, reservation, policy: policy, at: at) }
            try audit(
                db,
                AuditEvent(
                    "password.change", outcome: .failure, subject: caller.id, detail: "wrong current password"
                ), by: AuditActor(caller))
        }
    }

    /// Gives back the reservation of a current password that was right.
    func releaseCurrentPasswordCheck(_ reservation: LoginReservation?, policy: ThrottlePolicy) async throws {
        guard let reservation else { return }
        let at = nowMillis
        try await write { db in
            try releaseReservation(db, reservation, trust: false, policy: policy, at: at)
        }
    }

    /// Makes `hash` the caller's password and ends every other session of theirs (the caller's
    /// own goes on), audited as `password.change`; returns how many sessions ended.
    func changePassword(to hash: PasswordHash, for caller: Caller) async throws -> Int {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            try insertPassword(db, organization: caller.organization, account: caller.id, hash, at: at)
            let count = try revokeSessions(db, account: caller.id, keeping: caller.sessionID, at: at)
            try audit(
                db, AuditEvent("password.change", subject: caller.id, detail: "sessions revoked: \(count)"),
                by: AuditActor(caller))
            return count
        }
    }

    /// Makes `hash` the password of `account` (read earlier by the admin `caller`) and ends every
    /// session of it, audited as `password.set`; returns how many sessions ended.
    func setPassword(_ hash: PasswordHash, of account: AccountRecord, by caller: Caller) async throws -> Int {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            try insertPassword(db, organization: caller.organization, account: account.id, hash, at: at)
            let count = try revokeSessions(db, account: account.id, at: at)
            try audit(
                db,
                AuditEvent(
                    "password.set", subject: account.id, client: account.isClient ? account.id : nil,
                    detail: "sessions revoked: \(count)"), by: AuditActor(caller))
            return count
        }
    }

    /// Makes `hash` the account's current password, superseding the previous one.
    func insertPassword(
        _ db: Database, organization: String, account: String, _ hash: PasswordHash, at: Int64
    )
        throws
    {
        try db.execute(
            sql: """
                UPDATE password_credentials SET superseded_at = ?
                WHERE account_id = ? AND superseded_at IS NULL
                """,
            arguments: [at, account])
        try db.execute(
            sql: """
                INSERT INTO password_credentials (organization_id, account_id, algorithm, parameters, salt, hash,
                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                organization, account, hash.algorithm, hash.parameters.json, hash.salt, hash.hash, at,
            ])
    }

    /// The account's current password hash, if it has one.
    func currentPassword(_ db: Database, account: String) throws -> PasswordHash? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT algorithm, parameters, salt, hash FROM password_credentials
                    WHERE account_id = ? AND superseded_at IS NULL
                    """,
                arguments: [account])
        else { return nil }
        return PasswordHash(
            algorithm: row["algorithm"], parameters: try PasswordParameters(json: row["parameters"]),
            salt: row["salt"], hash: row["hash"])
    }
}
