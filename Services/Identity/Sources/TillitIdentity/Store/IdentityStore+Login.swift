import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Reserves a password check of `email` at `organization` against `throttle` (counted
    /// before any hashing, in one write transaction, so concurrent guesses cannot all pass one
    /// check) and returns the account the e-mail names with its current password; the
    /// reservation is nil, and nothing counted, while throttled.
    func reserveLogin(
        organization: String, email: String, throttle: LoginThrottle, policy: ThrottlePolicy, at: Int64
    ) async throws -> LoginCandidate {
        try await write { db in
            guard let reservation = try reserveCheck(db, throttle, policy: policy, at: at) else {
                return LoginCandidate(reservation: nil, account: nil, password: nil)
            }
            let account = try AccountRecord.fetch(db, organization: organization, email: email)
            let password = try account.flatMap { try currentPassword(db, account: $0.id) }
            return LoginCandidate(reservation: reservation, account: account, password: password)
        }
    }

    /// Gives back a reservation whose check never ran (e.g. the hasher was overloaded).
    func releaseUnusedReservation(_ reservation: LoginReservation, policy: ThrottlePolicy) async throws {
        let at = nowMillis
        try await write { db in
            try releaseReservation(db, reservation, trust: false, policy: policy, at: at)
        }
    }

    /// The confirmed, enabled TOTP secret of `account`, if any.
    func confirmedTotp(of account: String) async throws -> StoredTotpSecret? {
        try await read { db in try confirmedTotp(db, account: account) }
    }

    /// Settles a failed login's reservation (locking a source or pair at its limit) and, for an
    /// organisation that exists, audits it as a failed `login` with `reason`; failures of unknown
    /// e-mails are audited one by one only up to `unknownAccountAuditsPerHour` per organisation
    /// and hour, the rest summed up in one event.
    func recordFailedLogin(
        organization: String, account: String?, reason: String, reservation: LoginReservation,
        policy: ThrottlePolicy, at: Int64, requestID: String
    ) async throws {
        try await write { db in
            try settleFailure(db, reservation, policy: policy, at: at)
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?)",
                    arguments: [organization]) == true
            else { return }
            let actor = AuditActor(organization: organization, actor: nil, requestID: requestID)
            guard account == nil else {
                try audit(
                    db, AuditEvent("login", outcome: .failure, subject: account, detail: "wrong \(reason)"),
                    by: actor)
                return
            }
            let (auditThis, summary) = try countUnknownAccountFailure(
                db, organization: organization, policy: policy, at: at)
            if let summary {
                try audit(db, AuditEvent("login", outcome: .failure, detail: summary), by: actor)
            }
            if auditThis {
                try audit(db, AuditEvent("login", outcome: .failure, detail: "unknown account"), by: actor)
            }
        }
    }

    /// Starts a session for `account` after a successful login, audited as `login`: uses the
    /// TOTP code's step (compare-and-set, so a code works once even for two concurrent logins;
    /// UNAUTHENTICATED for the loser), gives the reservation back (the pair's count starts again
    /// and the source is trusted for the account-wide rate) and stores the
    /// re-hashed password if there is one.
    func startSession(
        for account: AccountRecord, usedTotp: (secret: Int64, step: Int64)?, rehashed: PasswordHash?,
        reservation: LoginReservation, policy: ThrottlePolicy, lifetime: Duration, at: Int64,
        requestID: String
    ) async throws -> IssuedRefreshToken {
        try await write { db in
            if let (secret, step) = usedTotp {
                try db.execute(
                    sql: """
                        UPDATE totp_secrets SET last_used_step = ?
                        WHERE id = ? AND (last_used_step IS NULL OR last_used_step < ?)
                        """,
                    arguments: [step, secret, step])
                guard db.changesCount == 1 else { throw ServiceError.loginFailed }
            }
            try releaseReservation(db, reservation, trust: true, policy: policy, at: at)
            if let rehashed {
                try insertPassword(
                    db, organization: account.organization, account: account.id, rehashed, at: at)
            }
            try audit(
                db,
                AuditEvent(
                    "login", subject: account.id, detail: account.totpEnabled ? "password+totp" : "password"),
                by: AuditActor(organization: account.organization, actor: account.id, requestID: requestID))
            return try insertRefreshToken(
                db, organization: account.organization, account: account.id, at: at, lifetime: lifetime)
        }
    }

    /// Starts a session for service account `id` of `organization` if `secret` is its secret and
    /// it is active, audited as `login.service`; nil after counting the failure against the
    /// source and the (account, source) pair (audited when the account exists), all in one
    /// transaction. RESOURCE_EXHAUSTED while throttled.
    func startServiceSession(
        organization: String, account id: String, secret: String, address: String,
        policy: ThrottlePolicy, lifetime: Duration, requestID: String
    ) async throws -> (account: AccountRecord, refresh: IssuedRefreshToken)? {
        let at = nowMillis
        let presented = Self.tokenHash(secret)
        return try await write { db in
            let throttle = LoginThrottle(organization: organization, email: "service:\(id)", address: address)
            guard let reservation = try reserveCheck(db, throttle, policy: policy, at: at) else {
                throw ServiceError.throttled
            }
            let stored = try Data.fetchOne(
                db,
                sql: "SELECT secret_hash FROM service_profiles WHERE organization_id = ? AND account_id = ?",
                arguments: [organization, id])
            guard let stored, ConstantTime.equal(stored, presented),
                let record = try AccountRecord.fetch(db, organization: organization, id: id),
                record.isActive
            else {
                try settleFailure(db, reservation, policy: policy, at: at)
                if stored != nil {
                    try audit(
                        db, AuditEvent("login.service", outcome: .failure, subject: id),
                        by: AuditActor(organization: organization, actor: nil, requestID: requestID))
                }
                return nil
            }
            try releaseReservation(db, reservation, trust: false, policy: policy, at: at)
            try audit(
                db, AuditEvent("login.service", subject: id),
                by: AuditActor(organization: organization, actor: id, requestID: requestID))
            let refresh = try insertRefreshToken(
                db, organization: organization, account: id, at: at, lifetime: lifetime)
            return (record, refresh)
        }
    }
}
