import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// The named migrations of Identity's database (docs/identity.md explains the choices).
///
/// Conventions: `STRICT` tables; ids are lower-case UUID text; instants are `INTEGER`
/// milliseconds since the Unix epoch (UTC); enumerations are lower-case text checked against
/// their values; every row that belongs to a practice carries `organization_id`, and references
/// between accounts of a practice are composite foreign keys on `(organization_id, id)`, so the
/// database itself refuses a row that points into another organisation.
///
/// Never edit, rename or reorder a migration that has shipped; append a new one.
public enum IdentitySchema {
    /// Every migration of the Identity database, in order; `auditKeys` seal the audit chain
    /// (`audit-v2-keyed` reseals events written before it was keyed).
    public static func migrations(auditKeys: AuditKeys) -> Migrations {
        Migrations(migrationList(auditKeys: auditKeys))
    }

    /// The names of the migrations, in order (they do not depend on the keys).
    public static var identifiers: [String] {
        migrationList(auditKeys: .random()).map(\.identifier)
    }

    private static func migrationList(auditKeys: AuditKeys) -> [Migrations.Migration] {
        [
        Migrations.Migration("identity-v1-organizations", migrate: organizations),
        Migrations.Migration("identity-v1-accounts", migrate: accounts),
        Migrations.Migration("identity-v1-credentials", migrate: credentials),
        Migrations.Migration("identity-v1-consents", migrate: consents),
        Migrations.Migration("identity-v1-contact-policies", migrate: contactPolicies),
        Migrations.Migration("identity-v1-audit-events", migrate: auditEvents),
        // The shared audit trail (ServiceKit's AuditTrail) adds the relaying service and the
        // anchored chain head to the table created above.
        Migrations.Migration("audit-v1-via", migrate: AuditTrail.addVia),
        Migrations.Migration("audit-v1-heads", migrate: AuditTrail.createHeads),
        AuditTrail.sealMigration(keys: auditKeys),
        Migrations.Migration("identity-v1-revoked-sessions", migrate: revokedSessions),
        Migrations.Migration("identity-v1-login-limits", migrate: loginLimits),
        Migrations.Migration("identity-v1-nfc-emails", migrate: nfcEmails),
        Migrations.Migration("identity-v1-staff-totp", migrate: staffTotp),
        ]
    }

    /// Roles a staff account can hold (`account_roles.role`).
    public static let roles = ["admin", "scheduler", "practitioner", "supervisor"]

    /// Consent kinds (`consents.kind`).
    public static let consentKinds = [
        "treatment", "share_with_practitioner", "case_consultation", "contact_by_message",
    ]

    // MARK: - Migrations

    @Sendable static func organizations(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE organizations (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
                    created_at INTEGER NOT NULL
                ) STRICT;

                CREATE TRIGGER organizations_no_delete BEFORE DELETE ON organizations
                BEGIN
                    SELECT RAISE(ABORT, 'organizations are never deleted');
                END;

                -- INSERT OR REPLACE deletes the old row without firing DELETE triggers
                -- (recursive_triggers is off), so replacing is refused before the insert.
                CREATE TRIGGER organizations_no_replace BEFORE INSERT ON organizations
                WHEN EXISTS (SELECT 1 FROM organizations WHERE id = NEW.id)
                BEGIN
                    SELECT RAISE(ABORT, 'organizations are never replaced');
                END;

                CREATE TABLE locations (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                    organization_id TEXT NOT NULL REFERENCES organizations(id),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    address TEXT NOT NULL CHECK (length(address) <= 1000),
                    city TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 200),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    created_at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX locations_by_organization ON locations(organization_id, city);

                CREATE TRIGGER locations_no_delete BEFORE DELETE ON locations
                BEGIN
                    SELECT RAISE(ABORT, 'locations are never deleted; deactivate instead');
                END;

                CREATE TRIGGER locations_no_replace BEFORE INSERT ON locations
                WHEN EXISTS (SELECT 1 FROM locations WHERE id = NEW.id)
                BEGIN
                    SELECT RAISE(ABORT, 'locations are never replaced');
                END;
                """)
    }

    @Sendable static func accounts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                    organization_id TEXT NOT NULL REFERENCES organizations(id),
                    kind TEXT NOT NULL CHECK (kind IN ('staff', 'client', 'service')),
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
                    -- The login name; required for staff, optional for clients, none for services.
                    email TEXT COLLATE NOCASE CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
                    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
                    created_at INTEGER NOT NULL,
                    deactivated_at INTEGER,
                    deactivation_reason TEXT,
                    UNIQUE (organization_id, id),
                    UNIQUE (organization_id, email),
                    CHECK ((status = 'deactivated') = (deactivated_at IS NOT NULL)),
                    CHECK (kind <> 'staff' OR email IS NOT NULL),
                    CHECK (kind <> 'service' OR email IS NULL)
                ) STRICT;

                CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
                BEGIN
                    SELECT RAISE(ABORT, 'accounts are never deleted; deactivate instead');
                END;

                -- Also covers the e-mail: INSERT OR REPLACE would otherwise delete the other
                -- account holding it.
                CREATE TRIGGER accounts_no_replace BEFORE INSERT ON accounts
                WHEN EXISTS (
                    SELECT 1 FROM accounts
                    WHERE id = NEW.id OR (organization_id = NEW.organization_id AND email = NEW.email))
                BEGIN
                    SELECT RAISE(ABORT, 'an account with this id or e-mail already exists (accounts are never replaced)');
                END;

                CREATE TRIGGER accounts_fixed_identity BEFORE UPDATE OF id, organization_id, kind ON accounts
                WHEN NEW.id IS NOT OLD.id OR NEW.organization_id IS NOT OLD.organization_id
                    OR NEW.kind IS NOT OLD.kind
                BEGIN
                    SELECT RAISE(ABORT, 'an account''s id, organisation and kind never change');
                END;

                CREATE TABLE account_roles (
                    organization_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    role TEXT NOT NULL
                        CHECK (role IN ('admin', 'scheduler', 'practitioner', 'supervisor')),
                    granted_at INTEGER NOT NULL,
                    granted_by TEXT,
                    PRIMARY KEY (account_id, role),
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id),
                    FOREIGN KEY (organization_id, granted_by) REFERENCES accounts(organization_id, id)
                ) STRICT;
                CREATE INDEX account_roles_by_role ON account_roles(organization_id, role);

                CREATE TRIGGER account_roles_staff_only BEFORE INSERT ON account_roles
                WHEN (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'staff'
                BEGIN
                    SELECT RAISE(ABORT, 'only staff accounts hold roles');
                END;

                CREATE TABLE staff_profiles (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    organization_id TEXT NOT NULL,
                    discipline TEXT NOT NULL DEFAULT '' CHECK (length(discipline) <= 200),
                    -- JSON array of BCP 47 tags, e.g. ["sv","fi"].
                    languages TEXT NOT NULL DEFAULT '[]'
                        CHECK (json_valid(languages) AND json_type(languages) = 'array'),
                    licence_status TEXT CHECK (licence_status IN ('licensed', 'pre_licensed')),
                    supervisor_account_id TEXT,
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id),
                    FOREIGN KEY (organization_id, supervisor_account_id)
                        REFERENCES accounts(organization_id, id),
                    CHECK ((licence_status IS 'pre_licensed') = (supervisor_account_id IS NOT NULL)),
                    CHECK (supervisor_account_id IS NOT account_id)
                ) STRICT;
                CREATE INDEX staff_profiles_by_supervisor ON staff_profiles(supervisor_account_id);

                CREATE TABLE client_profiles (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    organization_id TEXT NOT NULL,
                    time_zone TEXT NOT NULL DEFAULT '' CHECK (length(time_zone) <= 64),
                    languages TEXT NOT NULL DEFAULT '[]'
                        CHECK (json_valid(languages) AND json_type(languages) = 'array'),
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id)
                ) STRICT;

                CREATE TABLE service_profiles (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    organization_id TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
                    -- SHA-256 of the service's random secret (high entropy, so no slow hash).
                    secret_hash BLOB NOT NULL CHECK (length(secret_hash) = 32),
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id)
                ) STRICT;

                CREATE TRIGGER staff_profiles_staff_only BEFORE INSERT ON staff_profiles
                WHEN (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'staff'
                BEGIN
                    SELECT RAISE(ABORT, 'a staff profile belongs to a staff account');
                END;

                CREATE TRIGGER client_profiles_client_only BEFORE INSERT ON client_profiles
                WHEN (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'client'
                BEGIN
                    SELECT RAISE(ABORT, 'a client profile belongs to a client account');
                END;

                CREATE TRIGGER service_profiles_service_only BEFORE INSERT ON service_profiles
                WHEN (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'service'
                BEGIN
                    SELECT RAISE(ABORT, 'a service profile belongs to a service account');
                END;

                CREATE TRIGGER account_roles_stay_with_account BEFORE UPDATE OF account_id, organization_id ON account_roles
                WHEN NEW.account_id IS NOT OLD.account_id OR NEW.organization_id IS NOT OLD.organization_id
                BEGIN
                    SELECT RAISE(ABORT, 'account_roles rows never move to another account');
                END;

                CREATE TRIGGER staff_profiles_stay_with_account BEFORE UPDATE OF account_id, organization_id ON staff_profiles
                WHEN NEW.account_id IS NOT OLD.account_id OR NEW.organization_id IS NOT OLD.organization_id
                BEGIN
                    SELECT RAISE(ABORT, 'staff_profiles rows never move to another account');
                END;

                CREATE TRIGGER client_profiles_stay_with_account BEFORE UPDATE OF account_id, organization_id ON client_profiles
                WHEN NEW.account_id IS NOT OLD.account_id OR NEW.organization_id IS NOT OLD.organization_id
                BEGIN
                    SELECT RAISE(ABORT, 'client_profiles rows never move to another account');
                END;

                CREATE TRIGGER service_profiles_stay_with_account BEFORE UPDATE OF account_id, organization_id ON service_profiles
                WHEN NEW.account_id IS NOT OLD.account_id OR NEW.organization_id IS NOT OLD.organization_id
                BEGIN
                    SELECT RAISE(ABORT, 'service_profiles rows never move to another account');
                END;
                """)
    }

    @Sendable static func credentials(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE password_credentials (
                    id INTEGER PRIMARY KEY,
                    organization_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    algorithm TEXT NOT NULL CHECK (algorithm IN ('scrypt')),
                    -- The KDF's parameters as JSON, e.g. {"n":131072,"r":8,"p":1,"length":32},
                    -- so they can be raised later and old hashes re-hashed at the next login.
                    parameters TEXT NOT NULL CHECK (json_valid(parameters)),
                    salt BLOB NOT NULL CHECK (length(salt) >= 16),
                    hash BLOB NOT NULL CHECK (length(hash) >= 32),
                    created_at INTEGER NOT NULL,
                    -- Set when replaced by a newer credential; the old row stays as history.
                    superseded_at INTEGER,
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX password_credentials_one_current
                    ON password_credentials(account_id) WHERE superseded_at IS NULL;

                CREATE TRIGGER password_credentials_people_only BEFORE INSERT ON password_credentials
                WHEN (SELECT kind FROM accounts WHERE id = NEW.account_id) NOT IN ('staff', 'client')
                BEGIN
                    SELECT RAISE(ABORT, 'only staff and client accounts have passwords');
                END;

                CREATE TABLE totp_secrets (
                    id INTEGER PRIMARY KEY,
                    organization_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    -- The RFC 6238 secret, encrypted with the key-encryption key of version
                    -- key_version (placeholder until the key handling lands).
                    secret_ciphertext BLOB NOT NULL CHECK (length(secret_ciphertext) > 0),
                    key_version INTEGER NOT NULL CHECK (key_version >= 0),
                    created_at INTEGER NOT NULL,
                    confirmed_at INTEGER,
                    -- The last accepted time step (unix time / 30); a code of this step or an
                    -- earlier one is refused, so a used code cannot be replayed.
                    last_used_step INTEGER,
                    disabled_at INTEGER,
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id),
                    CHECK (last_used_step IS NULL OR confirmed_at IS NOT NULL)
                ) STRICT;
                CREATE UNIQUE INDEX totp_secrets_one_confirmed
                    ON totp_secrets(account_id) WHERE confirmed_at IS NOT NULL AND disabled_at IS NULL;
                CREATE UNIQUE INDEX totp_secrets_one_pending
                    ON totp_secrets(account_id) WHERE confirmed_at IS NULL AND disabled_at IS NULL;

                CREATE TABLE refresh_tokens (
                    -- SHA-256 of the opaque token; the token itself is never stored.
                    token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
                    organization_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    -- Every token descended from one login shares the family; reuse of a rotated
                    -- token revokes the whole family.
                    family_id TEXT NOT NULL CHECK (length(family_id) = 36),
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    rotated_at INTEGER,
                    revoked_at INTEGER,
                    FOREIGN KEY (organization_id, account_id) REFERENCES accounts(organization_id, id),
                    CHECK (expires_at > issued_at)
                ) STRICT;
                CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
                CREATE INDEX refresh_tokens_by_account ON refresh_tokens(account_id);

                -- Signing keys are the service's, not a practice's: one key signs the tokens of
                -- every organisation, whose id is a claim in the token.
                CREATE TABLE signing_keys (
                    key_id TEXT PRIMARY KEY NOT NULL CHECK (length(key_id) BETWEEN 1 AND 64),
                    algorithm TEXT NOT NULL CHECK (algorithm IN ('ed25519')),
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    -- Where the private key is (e.g. "file:identity-2026-11.key" under the data
                    -- directory, or an encrypted blob reference); never the key itself.
                    private_key_reference TEXT NOT NULL CHECK (length(private_key_reference) > 0),
                    created_at INTEGER NOT NULL,
                    -- Signs no new tokens after retired_at; verifiable until not_after.
                    retired_at INTEGER,
                    not_after INTEGER NOT NULL,
                    CHECK (not_after > created_at)
                ) STRICT;

                CREATE TABLE login_throttle (
                    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
                    -- The account id, or the source address.
                    subject TEXT NOT NULL,
                    -- Set for account rows; addresses do not belong to a practice.
                    organization_id TEXT REFERENCES organizations(id),
                    failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
                    window_started_at INTEGER NOT NULL,
                    locked_until INTEGER,
                    -- How many times the subject was locked; each lock lasts longer.
                    lockouts INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
                    PRIMARY KEY (scope, subject),
                    CHECK ((scope = 'account') = (organization_id IS NOT NULL))
                ) STRICT;
                """)
    }

    @Sendable static func consents(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE consents (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                    organization_id TEXT NOT NULL,
                    client_account_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN
                        ('treatment', 'share_with_practitioner', 'case_consultation', 'contact_by_message')),
                    practitioner_account_id TEXT,
                    granted_at INTEGER NOT NULL,
                    recorded_by TEXT NOT NULL,
                    -- How staff received the consent; NULL when the client recorded it.
                    how_given TEXT CHECK (how_given IS NULL OR length(how_given) BETWEEN 1 AND 2000),
                    revoked_at INTEGER,
                    revoked_by TEXT,
                    revocation_how_given TEXT
                        CHECK (revocation_how_given IS NULL OR length(revocation_how_given) BETWEEN 1 AND 2000),
                    FOREIGN KEY (organization_id, client_account_id) REFERENCES accounts(organization_id, id),
                    FOREIGN KEY (organization_id, practitioner_account_id)
                        REFERENCES accounts(organization_id, id),
                    FOREIGN KEY (organization_id, recorded_by) REFERENCES accounts(organization_id, id),
                    FOREIGN KEY (organization_id, revoked_by) REFERENCES accounts(organization_id, id),
                    CHECK ((kind = 'share_with_practitioner') = (practitioner_account_id IS NOT NULL)),
                    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),
                    CHECK (revoked_at IS NULL OR revoked_at >= granted_at),
                    CHECK (revoked_at IS NOT NULL OR revocation_how_given IS NULL),
                    -- Staff recording for a client must say how the consent was given.
                    CHECK (recorded_by = client_account_id OR how_given IS NOT NULL)
                ) STRICT;
                -- At most one consent in force per client, kind and practitioner; also the index
                -- CheckConsent reads.
                CREATE UNIQUE INDEX consents_in_force
                    ON consents(client_account_id, kind, coalesce(practitioner_account_id, ''))
                    WHERE revoked_at IS NULL;
                CREATE INDEX consents_by_client ON consents(organization_id, client_account_id, granted_at);

                CREATE TRIGGER consents_clients_only BEFORE INSERT ON consents
                WHEN (SELECT kind FROM accounts WHERE id = NEW.client_account_id) IS NOT 'client'
                BEGIN
                    SELECT RAISE(ABORT, 'consents are given by client accounts');
                END;

                CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
                BEGIN
                    SELECT RAISE(ABORT, 'consents are never deleted; revoke instead');
                END;

                CREATE TRIGGER consents_no_replace BEFORE INSERT ON consents
                WHEN EXISTS (
                    SELECT 1 FROM consents
                    WHERE id = NEW.id
                        OR (NEW.revoked_at IS NULL AND revoked_at IS NULL
                            AND client_account_id = NEW.client_account_id AND kind = NEW.kind
                            AND coalesce(practitioner_account_id, '') = coalesce(NEW.practitioner_account_id, '')))
                BEGIN
                    SELECT RAISE(ABORT, 'this consent is already in force (consents are never replaced)');
                END;

                -- A consent changes once, when it is revoked; everything else is fixed.
                CREATE TRIGGER consents_only_revocation BEFORE UPDATE ON consents
                WHEN OLD.revoked_at IS NOT NULL
                    OR NEW.id IS NOT OLD.id OR NEW.organization_id IS NOT OLD.organization_id
                    OR NEW.client_account_id IS NOT OLD.client_account_id OR NEW.kind IS NOT OLD.kind
                    OR NEW.practitioner_account_id IS NOT OLD.practitioner_account_id
                    OR NEW.granted_at IS NOT OLD.granted_at OR NEW.recorded_by IS NOT OLD.recorded_by
                    OR NEW.how_given IS NOT OLD.how_given
                BEGIN
                    SELECT RAISE(ABORT, 'a consent is only ever revoked, once');
                END;
                """)
    }

    @Sendable static func contactPolicies(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE contact_policies (
                    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id),
                    night_rule TEXT NOT NULL
                        CHECK (night_rule IN ('no_contact', 'emergency_only', 'messages_answered_next_day')),
                    weekend_rule TEXT NOT NULL
                        CHECK (weekend_rule IN ('no_contact', 'emergency_only', 'messages_answered_next_day')),
                    emergency_instructions TEXT NOT NULL DEFAULT ''
                        CHECK (length(emergency_instructions) <= 4000),
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NOT NULL,
                    FOREIGN KEY (organization_id, updated_by) REFERENCES accounts(organization_id, id)
                ) STRICT;

                CREATE TABLE contact_hours (
                    organization_id TEXT NOT NULL REFERENCES contact_policies(organization_id),
                    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
                    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
                    PRIMARY KEY (organization_id, weekday, start_minute),
                    CHECK (start_minute < end_minute)
                ) STRICT;

                CREATE TABLE crisis_lines (
                    organization_id TEXT NOT NULL REFERENCES contact_policies(organization_id),
                    position INTEGER NOT NULL CHECK (position >= 0),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    phone TEXT NOT NULL CHECK (length(phone) <= 50),
                    hours TEXT NOT NULL DEFAULT '' CHECK (length(hours) <= 200),
                    url TEXT NOT NULL DEFAULT '' CHECK (length(url) <= 2000),
                    PRIMARY KEY (organization_id, position)
                ) STRICT;
                """)
    }

    @Sendable static func auditEvents(_ db: Database) throws {
        try db.execute(
            sql: """
                -- Append-only and hash-chained per organisation: hash = SHA-256(prev_hash ||
                -- canonical encoding of the row), computed by the service; the database refuses
                -- UPDATE and DELETE and an insert that does not extend the chain.
                CREATE TABLE audit_events (
                    organization_id TEXT NOT NULL REFERENCES organizations(id),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    at INTEGER NOT NULL,
                    -- Account ids without foreign keys: the trail must be able to name callers
                    -- that are not (or no longer) resolvable, e.g. a failed login's target.
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

    /// Replaces `login_throttle` (checked after hashing, one subject per account) with
    /// `login_limits`: per source (IPv4 address or IPv6 /64), per (account, source) pair and per
    /// account, reserved before hashing, each row with the instant after which it may be pruned.
    /// Throttle state is transient, so the old rows are dropped rather than converted.
    @Sendable static func loginLimits(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP TABLE login_throttle;

                CREATE TABLE login_limits (
                    kind TEXT NOT NULL CHECK (kind IN ('source', 'pair', 'account', 'unknown_audit')),
                    -- The source bucket, "<organisation>/<e-mail>" (known or not), both joined by
                    -- a space for a pair, or the organisation for unknown-account audit counting.
                    subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 400),
                    -- Attempts counted in the window (reserved before hashing; a success gives
                    -- its reservation back).
                    failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
                    window_started_at INTEGER NOT NULL,
                    locked_until INTEGER,
                    -- How many times the subject was locked; each lock lasts longer.
                    lockouts INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
                    -- A pair that signed in successfully: exempt from the account-wide rate until then.
                    trusted_until INTEGER,
                    -- When the row no longer matters and may be deleted.
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (kind, subject)
                ) STRICT;
                CREATE INDEX login_limits_by_expiry ON login_limits(expires_at);
                """)
    }

    /// Stores every e-mail in Unicode NFC (as `Validation.email` now makes them), so composed
    /// and decomposed spellings are one account. An e-mail whose NFC form another account of
    /// the organisation already holds stays as it was (and cannot sign in until an admin
    /// changes it); the database refuses such duplicates from now on.
    @Sendable static func nfcEmails(_ db: Database) throws {
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, organization_id, email FROM accounts WHERE email IS NOT NULL")
        for row in rows {
            let email: String = row["email"]
            let normalised = email.precomposedStringWithCanonicalMapping
            // Compare the bytes: Swift's `==` on strings already treats the two forms as equal.
            guard !normalised.utf8.elementsEqual(email.utf8) else { continue }
            let taken =
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE organization_id = ? AND email = ?)",
                    arguments: [row["organization_id"], normalised]) ?? false
            guard !taken else { continue }
            try db.execute(
                sql: "UPDATE accounts SET email = ? WHERE id = ?", arguments: [normalised, row["id"]])
        }
    }

    /// The practice setting that every staff account must use TOTP; on for every organisation,
    /// existing ones included.
    @Sendable static func staffTotp(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE organizations ADD COLUMN staff_totp_required INTEGER NOT NULL DEFAULT 1
                    CHECK (staff_totp_required IN (0, 1));
                """)
    }
}
