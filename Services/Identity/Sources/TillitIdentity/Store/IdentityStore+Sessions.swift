import Crypto
import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Rotates refresh token `token` (see `rotateRefreshToken`); a token presented again after
    /// its rotation revokes its session and is audited as `session.reuse_detected`.
    func refreshSession(token: String, requestID: String) async throws -> RefreshOutcome {
        let at = nowMillis
        return try await write { db in
            let outcome = try rotateRefreshToken(db, token: token, at: at)
            if case .reused(let account, let organization, let family) = outcome {
                try audit(
                    db,
                    AuditEvent(
                        "session.reuse_detected", outcome: .denied, subject: account,
                        detail: "refresh token presented twice; session \(family.prefix(8)) revoked"),
                    by: AuditActor(organization: organization, actor: nil, requestID: requestID))
            }
            return outcome
        }
    }

    /// Ends the session refresh token `token` belongs to, audited as `logout` when it was still
    /// live; an unknown token changes nothing.
    func endSession(token: String, requestID: String) async throws {
        let at = nowMillis
        try await write { db in
            guard let (organization, account, family) = try self.family(db, token: token) else { return }
            if try revokeFamily(db, family: family, at: at) > 0 {
                try audit(
                    db, AuditEvent("logout", subject: account),
                    by: AuditActor(organization: organization, actor: account, requestID: requestID))
            }
        }
    }

    /// Ends every session of account `id` of the caller's organisation, audited as
    /// `sessions.revoke`; returns how many ended. NOT_FOUND for an id of another organisation.
    func revokeSessions(of id: String, by caller: Caller) async throws -> Int {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            guard try AccountRecord.fetch(db, organization: caller.organization, id: id) != nil else {
                throw ServiceError.notFound("account")
            }
            let count = try revokeSessions(db, account: id, at: at)
            try audit(
                db, AuditEvent("sessions.revoke", subject: id, detail: "sessions: \(count)"),
                by: AuditActor(caller))
            return count
        }
    }

    /// 32 random bytes, base64url without padding (256 bits).
    static func newOpaqueToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// SHA-256 of a token's text: what is stored and looked up.
    static func tokenHash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Starts a session (a refresh-token family) for `account`.
    func insertRefreshToken(
        _ db: Database, organization: String, account: String, at: Int64, lifetime: Duration
    ) throws -> IssuedRefreshToken {
        try insertRefreshToken(
            db, organization: organization, account: account, family: Self.newID(), at: at,
            expiresAt: at + lifetime.components.seconds * 1000)
    }

    /// Adds a token to `family`, valid until `expires`.
    private func insertRefreshToken(
        _ db: Database, organization: String, account: String, family: String, at: Int64,
        expiresAt expires: Int64
    ) throws -> IssuedRefreshToken {
        let token = Self.newOpaqueToken()
        try db.execute(
            sql: """
                INSERT INTO refresh_tokens (token_hash, organization_id, account_id, family_id, issued_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [Self.tokenHash(token), organization, account, family, at, expires])
        return IssuedRefreshToken(token: token, family: family, expiresAt: expires)
    }

    /// Rotates `token`: marks it used and issues its successor in the same family (expiring when
    /// the family's first token does, so a session cannot be extended forever). A token that was
    /// already rotated revokes every token of its family.
    func rotateRefreshToken(_ db: Database, token: String, at: Int64) throws -> RefreshOutcome {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT organization_id, account_id, family_id, expires_at, rotated_at, revoked_at
                    FROM refresh_tokens WHERE token_hash = ?
                    """,
                arguments: [Self.tokenHash(token)])
        else { return .invalid }
        let organization: String = row["organization_id"]
        let account: String = row["account_id"]
        let family: String = row["family_id"]
        let revoked: Int64? = row["revoked_at"]
        if revoked != nil { return .invalid }
        if (row["rotated_at"] as Int64?) != nil {
            try revokeFamily(db, family: family, at: at)
            return .reused(account: account, organization: organization, family: family)
        }
        let expires: Int64 = row["expires_at"]
        guard expires > at,
            let record = try AccountRecord.fetch(db, organization: organization, id: account), record.isActive
        else { return .invalid }
        try db.execute(
            sql: "UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ?",
            arguments: [at, Self.tokenHash(token)])
        let successor = try insertRefreshToken(
            db, organization: organization, account: account, family: family, at: at, expiresAt: expires)
        return .rotated(record, successor)
    }

    /// Revokes every live token of a family and, if any was live, records the session as ended
    /// (`recordRevokedSession`: its access tokens are refused everywhere); returns how many.
    @discardableResult
    func revokeFamily(_ db: Database, family: String, at: Int64) throws -> Int {
        try db.execute(
            sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
            arguments: [at, family])
        let count = db.changesCount
        if count > 0 { try recordRevokedSession(db, family: family, at: at) }
        return count
    }

    /// The family of a refresh token, if it is known.
    func family(_ db: Database, token: String) throws -> (
        organization: String, account: String, family: String
    )? {
        try Row.fetchOne(
            db, sql: "SELECT organization_id, account_id, family_id FROM refresh_tokens WHERE token_hash = ?",
            arguments: [Self.tokenHash(token)]
        ).map { ($0["organization_id"], $0["account_id"], $0["family_id"]) }
    }

    /// Revokes every session of `account` except `keeping` (a family); returns how many live
    /// sessions ended. Sessions whose refresh token expired in the last `RevokedSessions.retention`
    /// are ended too (not counted): an access token issued by their last refresh may still be valid.
    func revokeSessions(_ db: Database, account: String, keeping: String? = nil, at: Int64) throws -> Int {
        let families = try Row.fetchAll(
            db,
            sql: """
                SELECT family_id, max(expires_at) > ? AS live FROM refresh_tokens
                WHERE account_id = ? AND revoked_at IS NULL AND rotated_at IS NULL AND expires_at > ?
                GROUP BY family_id
                """,
            arguments: [at, account, at - Self.revocationRetentionMillis]
        ).filter { ($0["family_id"] as String) != keeping }
        var live = 0
        for family in families {
            try revokeFamily(db, family: family["family_id"], at: at)
            if family["live"] as Bool { live += 1 }
        }
        return live
    }
}
