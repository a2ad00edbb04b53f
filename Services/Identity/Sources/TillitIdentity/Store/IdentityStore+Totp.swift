import Foundation
import GRDB

/// A stored TOTP secret (still encrypted).
struct StoredTotpSecret: Sendable {
    var id: Int64
    var ciphertext: Data
    var keyVersion: Int
    var lastUsedStep: Int64?
}

extension IdentityStore {
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
