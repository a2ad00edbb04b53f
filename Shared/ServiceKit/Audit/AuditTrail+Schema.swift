import Foundation
import GRDB
import TillitStorage

extension AuditTrail {
    /// Creates `audit_events` with the append-only and extend-the-chain triggers.
    @Sendable static func createEvents(_ db: Database) throws {
        try db.execute(
            sql: """
                -- Append-only and hash-chained per organisation (see AuditTrail): the database refuses
                -- UPDATE and DELETE and an insert that does not extend the chain.
                CREATE TABLE audit_events (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) BETWEEN 1 AND 64),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    at INTEGER NOT NULL,
                    -- Account ids without foreign keys: the trail names callers that are not (or no
                    -- longer) resolvable here.
                    actor TEXT,
                    on_behalf_of TEXT,
                    action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
                    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
                    subject TEXT,
                    client TEXT,
                    request_id TEXT NOT NULL DEFAULT '',
                    detail TEXT NOT NULL DEFAULT '' CHECK (length(detail) <= 4000),
                    prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    via TEXT CHECK (via IS NULL OR length(via) BETWEEN 1 AND 32),
                    PRIMARY KEY (organization_id, seq)
                ) STRICT;
                CREATE INDEX audit_events_by_client ON audit_events(organization_id, client, seq);
                CREATE INDEX audit_events_by_actor ON audit_events(organization_id, actor, seq);

                CREATE TRIGGER audit_events_extend_chain BEFORE INSERT ON audit_events
                WHEN NEW.seq IS NOT coalesce(
                        (SELECT max(seq) FROM audit_events WHERE organization_id = NEW.organization_id), 0) + 1
                    OR NEW.prev_hash IS NOT coalesce(
                        (SELECT hash FROM audit_events
                            WHERE organization_id = NEW.organization_id AND seq = NEW.seq - 1),
                        zeroblob(32))
                BEGIN
                    SELECT RAISE(ABORT, 'audit events must extend the chain');
                END;

                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN
                    SELECT RAISE(ABORT, 'audit events are append-only');
                END;

                CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                BEGIN
                    SELECT RAISE(ABORT, 'audit events are append-only');
                END;
                """)
    }

    /// Adds the `via` column (the relaying service) to a trail created before it existed.
    @Sendable public static func addVia(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE audit_events ADD COLUMN via TEXT
                    CHECK (via IS NULL OR length(via) BETWEEN 1 AND 32);
                """)
    }

    /// Creates `audit_heads` — one row per organisation naming its last event — kept by a trigger
    /// on every append and refusing any other change, and fills it from existing events.
    @Sendable public static func createHeads(_ db: Database) throws {
        try db.execute(
            sql: """
                -- The anchored end of each chain: verify checks the chain ends here, so cutting the
                -- tail of audit_events behind the triggers' back is detected.
                CREATE TABLE audit_heads (
                    organization_id TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    hash BLOB NOT NULL CHECK (length(hash) = 32)
                ) STRICT;
                INSERT INTO audit_heads (organization_id, seq, hash)
                    SELECT e.organization_id, e.seq, e.hash FROM audit_events e
                    WHERE e.seq = (SELECT max(seq) FROM audit_events WHERE organization_id = e.organization_id);

                CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events
                BEGIN
                    INSERT INTO audit_heads (organization_id, seq, hash)
                        VALUES (NEW.organization_id, NEW.seq, NEW.hash)
                        ON CONFLICT (organization_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
                END;

                CREATE TRIGGER audit_heads_follow_chain BEFORE UPDATE ON audit_heads
                WHEN NEW.organization_id IS NOT OLD.organization_id OR NEW.seq IS NOT OLD.seq + 1
                    OR NEW.hash IS NOT (SELECT hash FROM audit_events
                        WHERE organization_id = NEW.organization_id AND seq = NEW.seq)
                BEGIN
                    SELECT RAISE(ABORT, 'the audit head only moves with the chain');
                END;

                CREATE TRIGGER audit_heads_no_insert BEFORE INSERT ON audit_heads
                WHEN NEW.hash IS NOT (SELECT hash FROM audit_events
                        WHERE organization_id = NEW.organization_id AND seq = NEW.seq)
                    OR NEW.seq IS NOT (SELECT max(seq) FROM audit_events WHERE organization_id = NEW.organization_id)
                BEGIN
                    SELECT RAISE(ABORT, 'the audit head only moves with the chain');
                END;

                CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
                BEGIN
                    SELECT RAISE(ABORT, 'the audit head only moves with the chain');
                END;
                """)
    }

    /// `audit-v2-keyed`: adds `key_version` (which `AuditKeys` version sealed the row), reseals
    /// every existing (unkeyed, SHA-256) chain with the current key after checking it is intact,
    /// and refuses unsealed inserts from then on.
    public static func sealMigration(keys: AuditKeys) -> Migrations.Migration {
        Migrations.Migration("audit-v2-keyed") { db in
            try db.execute(
                sql: """
                    ALTER TABLE audit_events ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0
                        CHECK (key_version >= 0);
                    """)
            try reseal(db, keys: keys)
            try db.execute(
                sql: """
                    CREATE TRIGGER audit_events_sealed BEFORE INSERT ON audit_events
                    WHEN NEW.key_version < 1
                    BEGIN
                        SELECT RAISE(ABORT, 'audit events must be sealed with a key');
                    END;
                    """)
        }
    }

    /// Recomputes every row's links with the current key, in order, per organisation; the
    /// append-only triggers are lifted for this one transaction and restored as they were.
    private static func reseal(_ db: Database, keys: AuditKeys) throws {
        let organizations = try String.fetchAll(db, sql: "SELECT DISTINCT organization_id FROM audit_events")
        guard !organizations.isEmpty else { return }
        let lifted = ["audit_events_no_update", "audit_heads_follow_chain"]
        var definitions: [String] = []
        for name in lifted {
            if let sql = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                arguments: [name])
            {
                definitions.append(sql)
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
        }
        for organization in organizations {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, at, actor, on_behalf_of, via, action, outcome, subject, client, request_id, detail,
                        prev_hash, hash
                    FROM audit_events WHERE organization_id = ? ORDER BY seq
                    """,
                arguments: [organization])
            var legacyPrevious = genesis
            var previous = genesis
            for row in rows {
                let stored = record(row, organization: organization)
                // Only an intact unkeyed chain is sealed: sealing a forged one would launder it.
                let legacy = legacyHash(
                    previous: legacyPrevious, sequence: stored.sequence, at: stored.at, actor: stored.actor,
                    event: stored.event)
                guard stored.previousHash == legacyPrevious, legacy == stored.hash else {
                    throw ServiceError(
                        .dataLoss,
                        "the audit chain of \(organization) is broken at event \(stored.sequence); "
                            + "restore a backup before upgrading")
                }
                legacyPrevious = stored.hash
                let sealed = seal(
                    previous: previous, sequence: stored.sequence, at: stored.at, actor: stored.actor,
                    event: stored.event, keyVersion: keys.currentVersion, authenticator: keys.current)
                try db.execute(
                    sql: """
                        UPDATE audit_events SET prev_hash = ?, hash = ?, key_version = ?
                        WHERE organization_id = ? AND seq = ?
                        """,
                    arguments: [previous, sealed, keys.currentVersion, organization, stored.sequence])
                previous = sealed
            }
            try db.execute(
                sql: "UPDATE audit_heads SET hash = ? WHERE organization_id = ?",
                arguments: [previous, organization])
        }
        for sql in definitions { try db.execute(sql: sql) }
    }
}
