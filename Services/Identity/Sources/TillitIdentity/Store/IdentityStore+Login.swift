import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// The account `email` names at `organization` with its current password, and whether any
    /// of `throttle`'s subjects is locked at `at`.
    func loginCandidate(organization: String, email: String, throttle: LoginThrottle, at: Int64)
        async throws -> LoginCandidate
    {
        try await read { db in
            let locked =
                try lockedUntil(db, throttle.address, at: at) != nil
                || lockedUntil(db, throttle.account, at: at) != nil
                || lockedUntil(db, throttle.unknownOrganization, at: at) != nil
            let account = try AccountRecord.fetch(db, organization: organization, email: email)
            let password = try account.flatMap { try currentPassword(db, account: $0.id) }
            return LoginCandidate(locked: locked, account: account, password: password)
        }
    }

    /// The confirmed, enabled TOTP secret of `account`, if any.
    func confirmedTotp(of account: String) async throws -> StoredTotpSecret? {
        try await read { db in try confirmedTotp(db, account: account) }
    }

    /// Counts a failed login against the address and, for an organisation that exists, the
    /// account (audited as a failed `login` with `reason`), or else the unknown-organisation
    /// subject.
    func recordFailedLogin(
        organization: String, account: String?, reason: String, throttle: LoginThrottle,
        policy: ThrottlePolicy, at: Int64, requestID: String
    ) async throws {
        try await write { db in
            try recordFailure(db, throttle.address, limit: policy.addressFailures, policy: policy, at: at)
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?)",
                    arguments: [organization]) == true
            else {
                try recordFailure(
                    db, throttle.unknownOrganization, limit: policy.accountFailures, policy: policy, at: at)
                return
            }
            try recordFailure(db, throttle.account, limit: policy.accountFailures, policy: policy, at: at)
            try audit(
                db,
                AuditEvent(
                    "login", outcome: .failure, subject: account,
                    detail: account == nil ? "unknown account" : "wrong \(reason)"),
                by: AuditActor(organization: organization, actor: nil, requestID: requestID))
        }
    }

    /// Starts a session for `account` after a successful login, audited as `login`: uses the
    /// TOTP code's step (compare-and-set, so a code works once even for two concurrent logins;
    /// UNAUTHENTICATED for the loser), clears the account's failure count and stores the
    /// re-hashed password if there is one.
    func startSession(
        for account: AccountRecord, usedTotp: (secret: Int64, step: Int64)?, rehashed: PasswordHash?,
        throttle: LoginThrottle, lifetime: Duration, at: Int64, requestID: String
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
            try recordSuccess(db, throttle.account, at: at)
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
    /// it is active, audited as `login.service`; nil after counting the failure against
    /// `address` (audited when the account exists). RESOURCE_EXHAUSTED while `address` is locked.
    func startServiceSession(
        organization: String, account id: String, secret: String, address: ThrottleSubject,
        policy: ThrottlePolicy, lifetime: Duration, requestID: String
    ) async throws -> (account: AccountRecord, refresh: IssuedRefreshToken)? {
        let at = nowMillis
        let presented = Self.tokenHash(secret)
        return try await write { db in
            if try lockedUntil(db, address, at: at) != nil { throw ServiceError.throttled }
            let stored = try Data.fetchOne(
                db,
                sql: "SELECT secret_hash FROM service_profiles WHERE organization_id = ? AND account_id = ?",
                arguments: [organization, id])
            guard let stored, ConstantTime.equal(stored, presented),
                let record = try AccountRecord.fetch(db, organization: organization, id: id),
                record.isActive
            else {
                try recordFailure(db, address, limit: policy.addressFailures, policy: policy, at: at)
                if stored != nil {
                    try audit(
                        db, AuditEvent("login.service", outcome: .failure, subject: id),
                        by: AuditActor(organization: organization, actor: nil, requestID: requestID))
                }
                return nil
            }
            try audit(
                db, AuditEvent("login.service", subject: id),
                by: AuditActor(organization: organization, actor: id, requestID: requestID))
            let refresh = try insertRefreshToken(
                db, organization: organization, account: id, at: at, lifetime: lifetime)
            return (record, refresh)
        }
    }
}
