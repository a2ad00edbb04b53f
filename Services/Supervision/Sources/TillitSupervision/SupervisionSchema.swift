import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// The named migrations of Supervision's database (docs/supervision.md explains the choices).
///
/// Conventions as Booking's: `STRICT` tables, lower-case UUID ids, instants as milliseconds,
/// civil dates as days since 1970-01-01 in the practice's zone, enumerations as checked text,
/// `organization_id` on every row.
///
/// What the database holds by itself: one active relationship per supervisor and supervisee;
/// a session entry never changes except being locked by its period's verification, and a
/// locked entry never changes or disappears (corrections are new entries naming it); verified
/// periods of one supervisee never overlap and never change; incidents, replies and reviews are
/// append-only; one open flag per supervisee and category.
///
/// Never edit, rename or reorder a migration that has shipped; append a new one.
public enum SupervisionSchema {
    /// Every migration, in order; `auditKeys` seal the audit chain.
    public static func migrations(auditKeys: AuditKeys) -> Migrations {
        Migrations(migrationList(auditKeys: auditKeys))
    }

    /// The names of the migrations, in order.
    public static var identifiers: [String] {
        migrationList(auditKeys: .random()).map(\.identifier)
    }

    private static func migrationList(auditKeys: AuditKeys) -> [Migrations.Migration] {
        AuditTrail.migrations(keys: auditKeys) + [
            Migrations.Migration("supervision-v1-relationships", migrate: relationships),
            Migrations.Migration("supervision-v1-hours", migrate: hours),
            Migrations.Migration("supervision-v1-consultations", migrate: consultations),
            Migrations.Migration("supervision-v1-incidents", migrate: incidents),
        ]
    }

    @Sendable static func relationships(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE relationships (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) = 36),
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    supervisor_id TEXT NOT NULL CHECK (length(supervisor_id) = 36),
                    supervisee_id TEXT NOT NULL CHECK (length(supervisee_id) = 36),
                    starts_on INTEGER NOT NULL,
                    ends_on INTEGER,
                    mode TEXT NOT NULL CHECK (mode IN ('none', 'review', 'cosign_all')),
                    agreement_approved_on INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    PRIMARY KEY (organization_id, id),
                    CHECK (supervisor_id != supervisee_id),
                    CHECK (ends_on IS NULL OR ends_on >= starts_on)
                ) STRICT;
                CREATE UNIQUE INDEX relationships_active
                    ON relationships(organization_id, supervisor_id, supervisee_id) WHERE ends_on IS NULL;
                CREATE INDEX relationships_by_supervisee ON relationships(organization_id, supervisee_id);

                CREATE TABLE reviews (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    note_id TEXT NOT NULL,
                    supervisor_id TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'returned')),
                    request_key TEXT NOT NULL DEFAULT '',
                    at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX reviews_one_approval ON reviews(organization_id, note_id)
                    WHERE outcome = 'approved';
                CREATE TRIGGER reviews_append_only_update BEFORE UPDATE ON reviews
                BEGIN SELECT RAISE(ABORT, 'supervision: reviews never change'); END;
                CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews
                BEGIN SELECT RAISE(ABORT, 'supervision: reviews never change'); END;
                """)
    }

    @Sendable static func hours(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE categories (
                    organization_id TEXT NOT NULL,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                    position INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, name)
                ) STRICT;

                CREATE TABLE verified_periods (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    supervisee_id TEXT NOT NULL,
                    supervisor_id TEXT NOT NULL,
                    from_day INTEGER NOT NULL,
                    to_day INTEGER NOT NULL,
                    verified_at INTEGER NOT NULL,
                    sessions INTEGER NOT NULL,
                    minutes INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id),
                    CHECK (from_day <= to_day)
                ) STRICT;
                CREATE TRIGGER verified_periods_no_overlap BEFORE INSERT ON verified_periods
                WHEN EXISTS (SELECT 1 FROM verified_periods AS other
                    WHERE other.organization_id = NEW.organization_id AND other.supervisee_id = NEW.supervisee_id
                      AND other.from_day <= NEW.to_day AND NEW.from_day <= other.to_day)
                BEGIN SELECT RAISE(ABORT, 'supervision: the period overlaps one already verified'); END;
                CREATE TRIGGER verified_periods_fixed_update BEFORE UPDATE ON verified_periods
                BEGIN SELECT RAISE(ABORT, 'supervision: a verified period never changes'); END;
                CREATE TRIGGER verified_periods_fixed_delete BEFORE DELETE ON verified_periods
                BEGIN SELECT RAISE(ABORT, 'supervision: a verified period never changes'); END;

                CREATE TABLE sessions (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    supervisee_id TEXT NOT NULL,
                    supervisor_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('individual', 'group', 'peer')),
                    day INTEGER NOT NULL,
                    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 600),
                    category TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
                    corrects TEXT,
                    verified_period_id TEXT,
                    logged_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id),
                    FOREIGN KEY (organization_id, corrects) REFERENCES sessions(organization_id, id),
                    FOREIGN KEY (organization_id, verified_period_id) REFERENCES verified_periods(organization_id, id),
                    -- Only a correction may be 0 minutes (it withdraws the entry it corrects).
                    CHECK (minutes > 0 OR corrects IS NOT NULL)
                ) STRICT;
                CREATE INDEX sessions_by_supervisee ON sessions(organization_id, supervisee_id, day);
                -- An entry is corrected at most once (a correction may itself be corrected).
                CREATE UNIQUE INDEX sessions_corrected_once ON sessions(organization_id, corrects)
                    WHERE corrects IS NOT NULL;

                CREATE TRIGGER sessions_into_verified_period BEFORE INSERT ON sessions
                WHEN NEW.corrects IS NULL AND EXISTS (SELECT 1 FROM verified_periods AS period
                    WHERE period.organization_id = NEW.organization_id AND period.supervisee_id = NEW.supervisee_id
                      AND NEW.day BETWEEN period.from_day AND period.to_day)
                BEGIN SELECT RAISE(ABORT, 'supervision: the period is verified; log a correction of an entry'); END;
                CREATE TRIGGER sessions_locked BEFORE UPDATE ON sessions
                WHEN OLD.verified_period_id IS NOT NULL
                    OR NEW.verified_period_id IS NULL
                    OR NEW.id IS NOT OLD.id OR NEW.supervisee_id IS NOT OLD.supervisee_id
                    OR NEW.supervisor_id IS NOT OLD.supervisor_id OR NEW.kind IS NOT OLD.kind
                    OR NEW.day IS NOT OLD.day OR NEW.minutes IS NOT OLD.minutes
                    OR NEW.category IS NOT OLD.category OR NEW.note IS NOT OLD.note
                    OR NEW.corrects IS NOT OLD.corrects OR NEW.logged_by IS NOT OLD.logged_by
                    OR NEW.created_at IS NOT OLD.created_at
                BEGIN SELECT RAISE(ABORT, 'supervision: an entry never changes; log a correction'); END;
                CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
                BEGIN SELECT RAISE(ABORT, 'supervision: an entry is never deleted; log a correction'); END;
                """)
    }

    @Sendable static func consultations(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE consultations (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    supervisee_id TEXT NOT NULL,
                    supervisor_id TEXT NOT NULL,
                    topic TEXT NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
                    summary TEXT NOT NULL CHECK (length(summary) <= 10000),
                    client_id TEXT CHECK (client_id IS NULL OR length(client_id) = 36),
                    closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
                    outcome TEXT NOT NULL DEFAULT '' CHECK (length(outcome) <= 10000),
                    actions TEXT NOT NULL DEFAULT '',
                    created_at INTEGER NOT NULL,
                    closed_at INTEGER,
                    PRIMARY KEY (organization_id, id)
                ) STRICT;
                CREATE INDEX consultations_by_supervisee ON consultations(organization_id, supervisee_id);
                CREATE INDEX consultations_by_supervisor ON consultations(organization_id, supervisor_id);
                CREATE TRIGGER consultations_closed_fixed BEFORE UPDATE ON consultations
                WHEN OLD.closed = 1
                BEGIN SELECT RAISE(ABORT, 'supervision: a closed consultation never changes'); END;

                CREATE TABLE replies (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    consultation_id TEXT NOT NULL,
                    author_id TEXT NOT NULL,
                    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id),
                    FOREIGN KEY (organization_id, consultation_id) REFERENCES consultations(organization_id, id)
                ) STRICT;
                CREATE INDEX replies_by_consultation ON replies(organization_id, consultation_id, created_at);
                CREATE TRIGGER replies_fixed_update BEFORE UPDATE ON replies
                BEGIN SELECT RAISE(ABORT, 'supervision: replies never change'); END;
                CREATE TRIGGER replies_fixed_delete BEFORE DELETE ON replies
                BEGIN SELECT RAISE(ABORT, 'supervision: replies never change'); END;
                """)
    }

    @Sendable static func incidents(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pattern_rules (
                    organization_id TEXT PRIMARY KEY NOT NULL,
                    threshold INTEGER NOT NULL CHECK (threshold BETWEEN 2 AND 50),
                    window_days INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 365)
                ) STRICT;

                CREATE TABLE incidents (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    supervisee_id TEXT NOT NULL,
                    category TEXT NOT NULL CHECK (category IN ('out_of_hours_contact', 'gift', 'social_invitation',
                        'dual_relationship', 'personal_phone_shared', 'self_disclosure', 'other')),
                    day INTEGER NOT NULL,
                    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
                    logged_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id)
                ) STRICT;
                CREATE INDEX incidents_by_supervisee ON incidents(organization_id, supervisee_id, category, day);
                CREATE INDEX incidents_by_day ON incidents(organization_id, day);
                CREATE TRIGGER incidents_fixed_update BEFORE UPDATE ON incidents
                BEGIN SELECT RAISE(ABORT, 'supervision: incidents never change'); END;
                CREATE TRIGGER incidents_fixed_delete BEFORE DELETE ON incidents
                BEGIN SELECT RAISE(ABORT, 'supervision: incidents never change'); END;

                CREATE TABLE flags (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    supervisee_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    incidents INTEGER NOT NULL,
                    raised_on INTEGER NOT NULL,
                    cleared_at INTEGER,
                    cleared_by TEXT,
                    cleared_in_session TEXT,
                    PRIMARY KEY (organization_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX flags_open ON flags(organization_id, supervisee_id, category) WHERE cleared_at IS NULL;
                CREATE TRIGGER flags_cleared_fixed BEFORE UPDATE ON flags
                WHEN OLD.cleared_at IS NOT NULL
                BEGIN SELECT RAISE(ABORT, 'supervision: a cleared flag never changes'); END;
                """)
    }
}
