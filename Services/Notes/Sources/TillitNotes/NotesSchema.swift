import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// The named migrations of Notes' database (docs/notes.md explains the choices).
///
/// Conventions as Booking's: `STRICT` tables; ids are lower-case UUID text; instants are
/// `INTEGER` milliseconds since the Unix epoch (UTC); enumerations are lower-case text checked
/// against their values; every row carries `organization_id`.
///
/// What the database itself holds, whatever the handlers do:
/// - bodies are ciphertext only (`nonce ‖ ciphertext ‖ tag`, at least 28 bytes), each with its
///   wrapped data key and the key version and class it is wrapped under;
/// - a note moves only draft → draft (an edit), draft → signed / awaiting co-signature,
///   awaiting co-signature → co-signed / draft (returned); it never changes client, author,
///   kind or what it is an addendum of;
/// - a signed, awaiting or co-signed note's body and facts never change (the one change allowed
///   is rewrapping its data key to a newer key version, which leaves the body untouched), and
///   only drafts are ever deleted;
/// - an addendum is inserted signed (or awaiting co-signature), of a signed note of the same
///   client and kind;
/// - comments exist only on signed shared notes and never change or disappear.
///
/// Never edit, rename or reorder a migration that has shipped; append a new one.
public enum NotesSchema {
    /// Every migration of the Notes database, in order; `auditKeys` seal the audit chain.
    public static func migrations(auditKeys: AuditKeys) -> Migrations {
        Migrations(migrationList(auditKeys: auditKeys))
    }

    /// The names of the migrations, in order.
    public static var identifiers: [String] {
        migrationList(auditKeys: .random()).map(\.identifier)
    }

    private static func migrationList(auditKeys: AuditKeys) -> [Migrations.Migration] {
        AuditTrail.migrations(keys: auditKeys) + [
            Migrations.Migration("notes-v1-notes", migrate: notes),
            Migrations.Migration("notes-v1-lifecycle", migrate: lifecycle),
            Migrations.Migration("notes-v1-comments", migrate: comments),
        ]
    }

    // MARK: - Migrations

    @Sendable static func notes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE notes (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) = 36),
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    author_id TEXT NOT NULL CHECK (length(author_id) = 36),
                    kind TEXT NOT NULL CHECK (kind IN ('session', 'process', 'shared')),
                    template TEXT NOT NULL CHECK (template IN ('free', 'soap', 'dap', 'birp')),
                    status TEXT NOT NULL
                        CHECK (status IN ('draft', 'signed', 'awaiting_cosignature', 'cosigned')),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    appointment_id TEXT NOT NULL DEFAULT '' CHECK (length(appointment_id) <= 36),
                    addendum_of TEXT CHECK (addendum_of IS NULL OR length(addendum_of) = 36),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    signed_at INTEGER,
                    supervisor_id TEXT CHECK (supervisor_id IS NULL OR length(supervisor_id) = 36),
                    cosigned_by TEXT CHECK (cosigned_by IS NULL OR length(cosigned_by) = 36),
                    cosigned_at INTEGER,
                    cosign_key TEXT CHECK (cosign_key IS NULL OR length(cosign_key) BETWEEN 1 AND 100),
                    -- The supervisor's last return comment, encrypted under the note's data key.
                    return_comment BLOB CHECK (return_comment IS NULL OR length(return_comment) >= 28),
                    returned_at INTEGER,
                    -- AES-256-GCM of the serialized body under the note's data key.
                    body BLOB NOT NULL CHECK (length(body) >= 28),
                    -- The data key, AES-256-GCM under the key-encryption key of (key_class, kek_version).
                    wrapped_key BLOB NOT NULL CHECK (length(wrapped_key) = 60),
                    key_class TEXT NOT NULL CHECK (key_class IN ('clinical', 'process')),
                    kek_version INTEGER NOT NULL CHECK (kek_version >= 0),
                    idempotency_key TEXT CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 100),
                    -- SHA-256 of the create request, to tell a replay from a reuse of the key.
                    request_hash BLOB,
                    PRIMARY KEY (organization_id, id),
                    FOREIGN KEY (organization_id, addendum_of) REFERENCES notes(organization_id, id),
                    CHECK ((kind = 'process') = (key_class = 'process')),
                    CHECK ((status = 'draft') = (signed_at IS NULL)),
                    CHECK ((status = 'cosigned') = (cosigned_at IS NOT NULL AND cosigned_by IS NOT NULL)),
                    CHECK (status NOT IN ('awaiting_cosignature', 'cosigned') OR supervisor_id IS NOT NULL),
                    CHECK (kind != 'process' OR status IN ('draft', 'signed'))
                ) STRICT;
                CREATE INDEX notes_by_client ON notes(organization_id, client_id, created_at DESC, id);
                CREATE INDEX notes_by_author ON notes(organization_id, author_id, status, updated_at);
                CREATE INDEX notes_awaiting ON notes(organization_id, supervisor_id, signed_at)
                    WHERE status = 'awaiting_cosignature';
                CREATE INDEX notes_addenda ON notes(organization_id, addendum_of) WHERE addendum_of IS NOT NULL;
                CREATE INDEX notes_stale_keys ON notes(organization_id, key_class, kek_version);
                CREATE UNIQUE INDEX notes_idempotency ON notes(organization_id, author_id, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;
                """)
    }

    /// The lifecycle the database enforces (see the type's documentation).
    @Sendable static func lifecycle(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TRIGGER notes_insert_lifecycle BEFORE INSERT ON notes
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a note starts as a draft or signed')
                    WHERE NEW.status = 'cosigned'
                       OR (NEW.addendum_of IS NULL AND NEW.status NOT IN ('draft', 'signed', 'awaiting_cosignature'));
                    SELECT RAISE(ABORT, 'notes: an addendum is signed when it is added')
                    WHERE NEW.addendum_of IS NOT NULL AND NEW.status = 'draft';
                    SELECT RAISE(ABORT, 'notes: an addendum belongs to a signed note of the same client and kind')
                    WHERE NEW.addendum_of IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM notes AS original
                        WHERE original.organization_id = NEW.organization_id AND original.id = NEW.addendum_of
                          AND original.client_id = NEW.client_id AND original.kind = NEW.kind
                          AND original.status != 'draft' AND original.addendum_of IS NULL);
                END;

                CREATE TRIGGER notes_locked BEFORE UPDATE ON notes
                WHEN OLD.status != 'draft' AND (
                    NEW.body IS NOT OLD.body OR NEW.template IS NOT OLD.template
                    OR NEW.signed_at IS NOT OLD.signed_at AND NEW.status != 'draft'
                    OR NEW.appointment_id IS NOT OLD.appointment_id
                    OR NEW.created_at IS NOT OLD.created_at
                    OR (OLD.status IN ('signed', 'cosigned') AND (
                        NEW.status IS NOT OLD.status OR NEW.version IS NOT OLD.version
                        OR NEW.updated_at IS NOT OLD.updated_at OR NEW.supervisor_id IS NOT OLD.supervisor_id
                        OR NEW.cosigned_by IS NOT OLD.cosigned_by OR NEW.cosigned_at IS NOT OLD.cosigned_at
                        OR NEW.cosign_key IS NOT OLD.cosign_key OR NEW.return_comment IS NOT OLD.return_comment
                        OR NEW.returned_at IS NOT OLD.returned_at)))
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a signed note is locked; add an addendum');
                END;

                CREATE TRIGGER notes_facts_fixed BEFORE UPDATE ON notes
                WHEN NEW.id IS NOT OLD.id OR NEW.organization_id IS NOT OLD.organization_id
                    OR NEW.client_id IS NOT OLD.client_id OR NEW.author_id IS NOT OLD.author_id
                    OR NEW.kind IS NOT OLD.kind OR NEW.addendum_of IS NOT OLD.addendum_of
                    OR NEW.key_class IS NOT OLD.key_class
                    OR NEW.idempotency_key IS NOT OLD.idempotency_key OR NEW.request_hash IS NOT OLD.request_hash
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a note''s client, author and kind never change');
                END;

                CREATE TRIGGER notes_transitions BEFORE UPDATE OF status ON notes
                WHEN NEW.status IS NOT OLD.status AND NOT (
                    (OLD.status = 'draft' AND NEW.status IN ('signed', 'awaiting_cosignature'))
                    OR (OLD.status = 'awaiting_cosignature' AND NEW.status IN ('cosigned', 'draft')))
                BEGIN
                    SELECT RAISE(ABORT, 'notes: that status change is not allowed');
                END;

                CREATE TRIGGER notes_rewrap_only_forward BEFORE UPDATE OF kek_version ON notes
                WHEN NEW.kek_version < OLD.kek_version
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a data key is only rewrapped to a newer key version');
                END;

                CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes
                WHEN OLD.status != 'draft' OR OLD.addendum_of IS NOT NULL
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a signed note is never deleted');
                END;
                """)
    }

    @Sendable static func comments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE note_comments (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) = 36),
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    note_id TEXT NOT NULL,
                    author_id TEXT NOT NULL CHECK (length(author_id) = 36),
                    created_at INTEGER NOT NULL,
                    -- AES-256-GCM under the note's data key.
                    body BLOB NOT NULL CHECK (length(body) >= 28),
                    PRIMARY KEY (organization_id, id),
                    FOREIGN KEY (organization_id, note_id) REFERENCES notes(organization_id, id)
                ) STRICT;
                CREATE INDEX note_comments_by_note ON note_comments(organization_id, note_id, created_at);

                CREATE TRIGGER note_comments_on_signed_shared BEFORE INSERT ON note_comments
                WHEN NOT EXISTS (
                    SELECT 1 FROM notes
                    WHERE notes.organization_id = NEW.organization_id AND notes.id = NEW.note_id
                      AND notes.kind = 'shared' AND notes.status IN ('signed', 'cosigned'))
                BEGIN
                    SELECT RAISE(ABORT, 'notes: comments are only added to signed shared notes');
                END;

                CREATE TRIGGER note_comments_no_update BEFORE UPDATE ON note_comments
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a comment never changes');
                END;

                CREATE TRIGGER note_comments_no_delete BEFORE DELETE ON note_comments
                BEGIN
                    SELECT RAISE(ABORT, 'notes: a comment is never deleted');
                END;
                """)
    }
}
