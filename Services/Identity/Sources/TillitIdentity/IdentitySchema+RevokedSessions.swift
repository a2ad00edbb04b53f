import GRDB

extension IdentitySchema {
    /// `revoked_sessions`: the sessions that ended, each kept until no access token of it can
    /// still be valid (`forget_after`), numbered in the order they ended (`seq`, the cursor of
    /// ListRevokedSessions; AUTOINCREMENT never reuses a number). Sessions ended shortly before
    /// this migration are copied in, so their tokens are refused too.
    @Sendable static func revokedSessions(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE revoked_sessions (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id TEXT NOT NULL UNIQUE CHECK (length(session_id) = 36),
                    organization_id TEXT NOT NULL,
                    revoked_at INTEGER NOT NULL,
                    forget_after INTEGER NOT NULL,
                    CHECK (forget_after >= revoked_at)
                ) STRICT;
                CREATE INDEX revoked_sessions_by_forget_after ON revoked_sessions(forget_after);

                INSERT INTO revoked_sessions (session_id, organization_id, revoked_at, forget_after)
                SELECT family_id, min(organization_id), max(revoked_at), max(revoked_at) + 960000
                FROM refresh_tokens WHERE revoked_at IS NOT NULL
                GROUP BY family_id
                HAVING max(revoked_at) + 960000 > CAST(strftime('%s', 'now') AS INTEGER) * 1000
                ORDER BY max(revoked_at);
                """)
    }
}
