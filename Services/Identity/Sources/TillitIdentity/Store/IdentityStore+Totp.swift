import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Starts TOTP enrolment of the caller with a sealed secret (replacing any pending one),
    /// audited as `totp.enrol`; returns the caller's account. FAILED_PRECONDITION while TOTP is
    /// enabled: replacing a working second factor with an access token alone (a stolen one would
    /// do) is not possible, an admin resets it (ResetTotp) first.
    func enrolTotp(ciphertext: Data, keyVersion: Int, for caller: Caller) async throws -> AccountRecord {
        let at = nowMillis
        return try await write { db in
            let account = try activeAccount(db, caller)
            guard !account.totpEnabled else {
                throw ServiceError(
                    .failedPrecondition,
                    "TOTP is already enabled; ask an admin to reset it (ResetTotp) to enrol again")
            }
            try insertPendingTotp(
                db, organization: caller.organization, account: caller.id, ciphertext: ciphertext,
                keyVersion: keyVersion, at: at)
            try audit(db, AuditEvent("totp.enrol", subject: caller.id), by: AuditActor(caller))
            return account
        }
    }

    /// The caller's pending (enrolled, not yet confirmed) secret, if any.
    func pendingTotp(of caller: Caller) async throws -> StoredTotpSecret? {
        try await read { db in try pendingTotp(db, account: caller.id) }
    }

    /// Confirms the caller's pending secret `id` with the step of the code that proved it,
    /// audited as `totp.confirm`; returns when. ABORTED when another enrolment replaced it meanwhile.
    func confirmTotp(_ id: Int64, step: Int64, for caller: Caller) async throws -> Int64 {
        let at = nowMillis
        try await write { db in
            try requireActiveCaller(db, caller)
            guard try pendingTotp(db, account: caller.id)?.id == id else {
                throw ServiceError(.aborted, "the enrolment changed meanwhile; enrol again")
            }
            try confirmTotp(db, account: caller.id, id: id, step: step, at: at)
            try audit(db, AuditEvent("totp.confirm", subject: caller.id), by: AuditActor(caller))
        }
        return at
    }

    /// Disables every TOTP secret of account `id` and ends its sessions, audited as
    /// `totp.reset`; returns the account. NOT_FOUND for an id of another organisation.
    func resetTotp(of id: String, by caller: Caller) async throws -> AccountRecord {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            guard try AccountRecord.fetch(db, organization: caller.organization, id: id) != nil else {
                throw ServiceError.notFound("account")
            }
            try disableTotp(db, account: id, at: at)
            let count = try revokeSessions(db, account: id, at: at)
            try audit(
                db, AuditEvent("totp.reset", subject: id, detail: "sessions revoked: \(count)"),
                by: AuditActor(caller))
            guard let account = try AccountRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError.notFound("account")
            }
            return account
        }
    }

    /// The account's confirmed, enabled secret.
    func confirmedTotp(_ db: Database, account: String) throws -> StoredTotpSecret? {
        try fetchTotp(db, account: account, confirmed: true)
    }

    /// The account's pending (enrolled, not yet confirmed) secret.
    func pendingTotp(_ db: Database, account: String) throws -> StoredTotpSecret? {
        try fetchTotp(db, account: account, confirmed: false)
    }

    private func fetchTotp(_ db: Database, account: String, confirmed: Bool) throws -> StoredTotpSecret? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT id, secret_ciphertext, key_version, last_used_step FROM totp_secrets
                WHERE account_id = ? AND disabled_at IS NULL AND (confirmed_at IS NOT NULL) = ?
                """,
            arguments: [account, confirmed]
        ).map {
            StoredTotpSecret(
                id: $0["id"], ciphertext: $0["secret_ciphertext"], keyVersion: $0["key_version"],
                lastUsedStep: $0["last_used_step"])
        }
    }

    /// Replaces any pending secret with a new one.
    func insertPendingTotp(
        _ db: Database, organization: String, account: String, ciphertext: Data, keyVersion: Int, at: Int64
    ) throws {
        try db.execute(
            sql: """
                UPDATE totp_secrets SET disabled_at = ?
                WHERE account_id = ? AND confirmed_at IS NULL AND disabled_at IS NULL
                """,
            arguments: [at, account])
        try db.execute(
            sql: """
                INSERT INTO totp_secrets (organization_id, account_id, secret_ciphertext, key_version, created_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [organization, account, ciphertext, keyVersion, at])
    }

    /// Confirms the pending secret `id` with the step of the code that proved it, disabling any
    /// previously confirmed secret.
    func confirmTotp(_ db: Database, account: String, id: Int64, step: Int64, at: Int64) throws {
        try db.execute(
            sql: """
                UPDATE totp_secrets SET disabled_at = ?
                WHERE account_id = ? AND confirmed_at IS NOT NULL AND disabled_at IS NULL
                """,
            arguments: [at, account])
        try db.execute(
            sql:
                "UPDATE totp_secrets SET confirmed_at = ?, last_used_step = ? WHERE id = ? AND disabled_at IS NULL",
            arguments: [at, step, id])
    }

    /// Disables every secret of the account; returns whether one was confirmed.
    @discardableResult
    func disableTotp(_ db: Database, account: String, at: Int64) throws -> Bool {
        let had = try confirmedTotp(db, account: account) != nil
        try db.execute(
            sql: "UPDATE totp_secrets SET disabled_at = ? WHERE account_id = ? AND disabled_at IS NULL",
            arguments: [at, account])
        return had
    }
}
