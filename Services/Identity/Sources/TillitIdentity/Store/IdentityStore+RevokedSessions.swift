import Foundation
import GRDB
import TillitServiceKit

/// A session that ended, as ListRevokedSessions answers it.
struct RevokedSessionRecord: Sendable {
    /// The order in which sessions ended (the cursor).
    var seq: Int64
    /// The session (refresh-token family) id, the `sid` of its access tokens.
    var sessionID: String
    /// When it ended (ms).
    var revokedAt: Int64
    /// When no access token of it can still be valid any more (ms).
    var forgetAfter: Int64
}

extension IdentityStore {
    /// How long an ended session is kept, in milliseconds (`RevokedSessions.retention`).
    static let revocationRetentionMillis = Int64(RevokedSessions.retention * 1000)

    /// Records that session `family` ended at `at` (once; ids already recorded stay as they
    /// are), forgets the sessions whose tokens have all expired, and adds the session to the
    /// in-process list when the transaction commits.
    func recordRevokedSession(_ db: Database, family: String, at: Int64) throws {
        let forgetAfter = at + Self.revocationRetentionMillis
        try db.execute(
            sql: "DELETE FROM revoked_sessions WHERE forget_after < ?", arguments: [at])
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO revoked_sessions (session_id, organization_id, revoked_at, forget_after)
                SELECT family_id, organization_id, ?, ? FROM refresh_tokens WHERE family_id = ? LIMIT 1
                """,
            arguments: [at, forgetAfter, family])
        let sessions = revokedSessions
        let forget = WireMapping.date(millis: forgetAfter)
        let now = WireMapping.date(millis: at)
        db.afterNextTransaction { _ in
            sessions.insert([(family, forget)], now: now)
        }
    }

    /// The sessions that ended after `cursor` (a `seq`), oldest first, at most `limit`, and the
    /// cursor to go on from. A cursor beyond the last number ever given (a restored database)
    /// starts again from the beginning.
    func revokedSessions(after cursor: Int64, limit: Int) async throws
        -> (sessions: [RevokedSessionRecord], next: Int64, more: Bool)
    {
        let at = nowMillis
        return try await read { db in
            let last =
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'revoked_sessions'")
                ?? 0
            let from = cursor > last ? 0 : cursor
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, session_id, revoked_at, forget_after FROM revoked_sessions
                    WHERE seq > ? AND forget_after >= ? ORDER BY seq LIMIT ?
                    """,
                arguments: [from, at, limit + 1]
            ).map {
                RevokedSessionRecord(
                    seq: $0["seq"], sessionID: $0["session_id"], revokedAt: $0["revoked_at"],
                    forgetAfter: $0["forget_after"])
            }
            let page = Array(rows.prefix(limit))
            return (page, page.last?.seq ?? from, rows.count > limit)
        }
    }

    /// Fills the in-process list from the database (at start, before serving).
    func loadRevokedSessions() throws {
        let at = nowMillis
        let rows = try database.reader.read { db in
            try Row.fetchAll(
                db, sql: "SELECT session_id, forget_after FROM revoked_sessions WHERE forget_after >= ?",
                arguments: [at]
            ).map {
                (id: $0["session_id"] as String, forgetAfter: WireMapping.date(millis: $0["forget_after"]))
            }
        }
        revokedSessions.insert(rows, now: WireMapping.date(millis: at))
    }
}
