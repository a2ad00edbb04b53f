import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// The named migrations of Booking's database (docs/booking.md explains the choices).
///
/// Conventions as Identity's: `STRICT` tables; ids are lower-case UUID text; instants are
/// `INTEGER` milliseconds since the Unix epoch (UTC); enumerations are lower-case text checked
/// against their values; every row carries `organization_id` and references within a practice
/// are composite foreign keys on `(organization_id, id)`.
///
/// The invariant the database itself holds, whatever the handlers do: two appointments of one
/// practitioner that hold time (booked, attended, no-show) never overlap, the buffer after each
/// included (end == next start is allowed), except the places of one group session; a group
/// never holds more clients than its capacity; one client's appointments never overlap.
/// A row's time, people and place never change after insert (a reschedule is a new row), and a
/// row only leaves `booked`, so checking on INSERT is enough.
///
/// Never edit, rename or reorder a migration that has shipped; append a new one.
public enum BookingSchema {
    /// Every migration of the Booking database, in order; `auditKeys` seal the audit chain.
    public static func migrations(auditKeys: AuditKeys) -> Migrations {
        Migrations(migrationList(auditKeys: auditKeys))
    }

    /// The names of the migrations, in order.
    public static var identifiers: [String] {
        migrationList(auditKeys: .random()).map(\.identifier)
    }

    /// The longest session (8 h) plus the longest buffer (4 h), in milliseconds: no
    /// appointment's held time is longer, so an overlap search need look back only this far.
    public static let longestHeldMillis: Int64 = 12 * 3_600_000

    private static func migrationList(auditKeys: AuditKeys) -> [Migrations.Migration] {
        AuditTrail.migrations(keys: auditKeys) + [
            Migrations.Migration("booking-v1-directory", migrate: directory),
            Migrations.Migration("booking-v1-session-types", migrate: sessionTypes),
            Migrations.Migration("booking-v1-availability", migrate: availability),
            Migrations.Migration("booking-v1-appointments", migrate: appointments),
            Migrations.Migration("booking-v1-policies", migrate: policies),
            Migrations.Migration("booking-v1-intake-check-ins-feedback", migrate: clientInitiative),
            Migrations.Migration("booking-v1-agreements", migrate: agreements),
            Migrations.Migration("booking-v1-waitlist", migrate: waitlist),
            Migrations.Migration("booking-v2-held-time-index", migrate: heldTimeIndex),
        ]
    }

    // MARK: - Migrations

    /// What Booking last read from Identity about practitioners and locations, for slot search
    /// (which must not call Identity per search). Refreshed when availability is set.
    @Sendable static func directory(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE practices (
                    organization_id TEXT PRIMARY KEY NOT NULL CHECK (length(organization_id) = 36),
                    time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
                    refreshed_at INTEGER NOT NULL
                ) STRICT;

                CREATE TABLE practitioners (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) = 36),
                    account_id TEXT NOT NULL CHECK (length(account_id) = 36),
                    display_name TEXT NOT NULL CHECK (length(display_name) <= 200),
                    -- Lower-cased for case-insensitive filtering.
                    discipline TEXT NOT NULL CHECK (length(discipline) <= 200),
                    -- BCP 47 tags as ',sv,en,' so a filter is one LIKE '%,sv,%'.
                    languages TEXT NOT NULL CHECK (length(languages) <= 400),
                    active INTEGER NOT NULL CHECK (active IN (0, 1)),
                    refreshed_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, account_id)
                ) STRICT;

                CREATE TABLE locations (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) = 36),
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    name TEXT NOT NULL CHECK (length(name) <= 200),
                    city TEXT NOT NULL CHECK (length(city) <= 200),
                    active INTEGER NOT NULL CHECK (active IN (0, 1)),
                    refreshed_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id)
                ) STRICT;
                """)
    }

    @Sendable static func sessionTypes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE session_types (
                    organization_id TEXT NOT NULL CHECK (length(organization_id) = 36),
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
                    buffer_after_minutes INTEGER NOT NULL CHECK (buffer_after_minutes BETWEEN 0 AND 240),
                    modality TEXT NOT NULL CHECK (modality IN ('in_person', 'video', 'phone')),
                    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
                    price_currency TEXT NOT NULL CHECK (length(price_currency) = 3 AND price_currency = upper(price_currency)),
                    price_minor_units INTEGER NOT NULL CHECK (price_minor_units BETWEEN 0 AND 100000000000),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX session_types_active_name
                    ON session_types(organization_id, lower(name)) WHERE active = 1;

                CREATE TRIGGER session_types_no_delete BEFORE DELETE ON session_types
                BEGIN
                    SELECT RAISE(ABORT, 'session types are never deleted; archive instead');
                END;
                """)
    }

    @Sendable static func availability(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE availability (
                    organization_id TEXT NOT NULL,
                    practitioner_id TEXT NOT NULL,
                    location_id TEXT NOT NULL,
                    time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
                    slot_step_minutes INTEGER NOT NULL CHECK (slot_step_minutes BETWEEN 0 AND 480),
                    -- Offered session type ids, comma-separated; empty = every active type.
                    session_type_ids TEXT NOT NULL CHECK (length(session_type_ids) <= 37 * 100),
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NOT NULL,
                    PRIMARY KEY (organization_id, practitioner_id, location_id),
                    FOREIGN KEY (organization_id, practitioner_id)
                        REFERENCES practitioners(organization_id, account_id),
                    FOREIGN KEY (organization_id, location_id) REFERENCES locations(organization_id, id)
                ) STRICT;

                CREATE TABLE weekly_rules (
                    organization_id TEXT NOT NULL,
                    practitioner_id TEXT NOT NULL,
                    location_id TEXT NOT NULL,
                    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
                    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
                    CHECK (start_minute < end_minute),
                    FOREIGN KEY (organization_id, practitioner_id, location_id)
                        REFERENCES availability(organization_id, practitioner_id, location_id) ON DELETE CASCADE
                ) STRICT;
                CREATE INDEX weekly_rules_by_set ON weekly_rules(organization_id, practitioner_id, location_id);

                CREATE TABLE availability_exceptions (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    practitioner_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('blocked', 'extra_hours')),
                    starts_at INTEGER NOT NULL,
                    ends_at INTEGER NOT NULL,
                    location_id TEXT,
                    reason TEXT NOT NULL CHECK (length(reason) <= 500),
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    PRIMARY KEY (organization_id, id),
                    CHECK (ends_at > starts_at AND ends_at - starts_at <= 366 * 86400000),
                    CHECK ((kind = 'extra_hours') = (location_id IS NOT NULL)),
                    FOREIGN KEY (organization_id, practitioner_id)
                        REFERENCES practitioners(organization_id, account_id),
                    FOREIGN KEY (organization_id, location_id) REFERENCES locations(organization_id, id)
                ) STRICT;
                CREATE INDEX availability_exceptions_by_time
                    ON availability_exceptions(organization_id, practitioner_id, starts_at);
                """)
    }

    @Sendable static func appointments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE appointments (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    practitioner_id TEXT NOT NULL CHECK (length(practitioner_id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    session_type_id TEXT NOT NULL,
                    location_id TEXT NOT NULL CHECK (length(location_id) = 36),
                    starts_at INTEGER NOT NULL,
                    ends_at INTEGER NOT NULL,
                    -- ends_at plus the buffer: the practitioner's time is held until then.
                    blocked_until INTEGER NOT NULL,
                    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
                    modality TEXT NOT NULL CHECK (modality IN ('in_person', 'video', 'phone')),
                    price_currency TEXT NOT NULL CHECK (length(price_currency) = 3),
                    price_minor_units INTEGER NOT NULL CHECK (price_minor_units >= 0),
                    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'rescheduled', 'attended', 'no_show')),
                    booked_by TEXT NOT NULL,
                    booked_at INTEGER NOT NULL,
                    cancelled_at INTEGER,
                    cancelled_by TEXT,
                    late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
                    cancel_reason TEXT NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 500),
                    rescheduled_from TEXT,
                    rescheduled_to TEXT,
                    actual_start INTEGER,
                    actual_end INTEGER,
                    marked_at INTEGER,
                    marked_by TEXT,
                    PRIMARY KEY (organization_id, id),
                    CHECK (ends_at > starts_at AND ends_at - starts_at BETWEEN 300000 AND 28800000),
                    CHECK (blocked_until >= ends_at AND blocked_until - ends_at <= 14400000),
                    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
                    CHECK ((status = 'attended') = (actual_start IS NOT NULL AND actual_end IS NOT NULL)),
                    CHECK (actual_end IS NULL OR actual_end > actual_start),
                    CHECK ((status = 'rescheduled') = (rescheduled_to IS NOT NULL)),
                    CHECK (practitioner_id <> client_id),
                    FOREIGN KEY (organization_id, session_type_id) REFERENCES session_types(organization_id, id)
                ) STRICT;
                CREATE INDEX appointments_by_practitioner
                    ON appointments(organization_id, practitioner_id, starts_at);
                CREATE INDEX appointments_by_client ON appointments(organization_id, client_id, starts_at);

                CREATE TRIGGER appointments_no_delete BEFORE DELETE ON appointments
                BEGIN
                    SELECT RAISE(ABORT, 'appointments are never deleted; cancel instead');
                END;

                CREATE TRIGGER appointments_no_replace BEFORE INSERT ON appointments
                WHEN EXISTS (SELECT 1 FROM appointments WHERE organization_id = NEW.organization_id AND id = NEW.id)
                BEGIN
                    SELECT RAISE(ABORT, 'appointments are never replaced');
                END;

                -- The invariant: checked inside the inserting transaction, so it holds under any
                -- concurrency (SQLite runs one write transaction at a time).
                CREATE TRIGGER appointments_no_overlap BEFORE INSERT ON appointments
                WHEN NEW.status IN ('booked', 'attended', 'no_show')
                BEGIN
                    SELECT RAISE(ABORT, 'booking: practitioner overlap')
                    WHERE EXISTS (
                        SELECT 1 FROM appointments a
                        WHERE a.organization_id = NEW.organization_id
                          AND a.practitioner_id = NEW.practitioner_id
                          AND a.starts_at > NEW.starts_at - 43200000
                          AND a.starts_at < NEW.blocked_until
                          AND a.blocked_until > NEW.starts_at
                          AND a.status IN ('booked', 'attended', 'no_show')
                          AND NOT (NEW.capacity > 1 AND a.capacity = NEW.capacity
                                   AND a.session_type_id = NEW.session_type_id
                                   AND a.location_id = NEW.location_id
                                   AND a.starts_at = NEW.starts_at AND a.ends_at = NEW.ends_at));
                    SELECT RAISE(ABORT, 'booking: group full')
                    WHERE NEW.capacity > 1 AND (
                        SELECT count(*) FROM appointments a
                        WHERE a.organization_id = NEW.organization_id
                          AND a.practitioner_id = NEW.practitioner_id
                          AND a.starts_at = NEW.starts_at
                          AND a.session_type_id = NEW.session_type_id
                          AND a.status IN ('booked', 'attended', 'no_show')) >= NEW.capacity;
                    SELECT RAISE(ABORT, 'booking: client overlap')
                    WHERE EXISTS (
                        SELECT 1 FROM appointments a
                        WHERE a.organization_id = NEW.organization_id
                          AND a.client_id = NEW.client_id
                          AND a.starts_at > NEW.starts_at - 28800000
                          AND a.starts_at < NEW.ends_at
                          AND a.ends_at > NEW.starts_at
                          AND a.status IN ('booked', 'attended', 'no_show'));
                END;

                CREATE TRIGGER appointments_fixed BEFORE UPDATE OF
                    organization_id, id, practitioner_id, client_id, session_type_id, location_id,
                    starts_at, ends_at, blocked_until, capacity, booked_by, booked_at
                ON appointments
                BEGIN
                    SELECT RAISE(ABORT, 'booking: an appointment''s time, people and place never change; reschedule instead');
                END;

                -- Only a booked appointment changes status (and attended / no-show may be
                -- corrected into each other); nothing returns to holding time by an update.
                CREATE TRIGGER appointments_status_flow BEFORE UPDATE OF status ON appointments
                WHEN NOT (OLD.status = NEW.status
                          OR (OLD.status = 'booked' AND NEW.status IN ('cancelled', 'rescheduled', 'attended', 'no_show'))
                          OR (OLD.status IN ('attended', 'no_show') AND NEW.status IN ('attended', 'no_show')))
                BEGIN
                    SELECT RAISE(ABORT, 'booking: status change not allowed');
                END;

                -- A retry with the same key finds the appointment its first attempt made.
                CREATE TABLE booking_requests (
                    organization_id TEXT NOT NULL,
                    caller_id TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
                    request_hash BLOB NOT NULL CHECK (length(request_hash) = 32),
                    appointment_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, caller_id, idempotency_key),
                    FOREIGN KEY (organization_id, appointment_id) REFERENCES appointments(organization_id, id)
                ) STRICT, WITHOUT ROWID;
                """)
    }

    @Sendable static func policies(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE booking_policies (
                    organization_id TEXT PRIMARY KEY NOT NULL CHECK (length(organization_id) = 36),
                    cancellation_window_minutes INTEGER NOT NULL CHECK (cancellation_window_minutes BETWEEN 0 AND 20160),
                    minimum_notice_minutes INTEGER NOT NULL CHECK (minimum_notice_minutes BETWEEN 0 AND 20160),
                    care_relationship_days INTEGER NOT NULL CHECK (care_relationship_days BETWEEN 1 AND 3660),
                    cancellation_terms TEXT NOT NULL CHECK (length(cancellation_terms) <= 2000),
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NOT NULL
                ) STRICT;
                """)
    }

    @Sendable static func clientInitiative(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE intake_requests (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    practitioner_id TEXT,
                    message TEXT NOT NULL CHECK (length(message) <= 4000),
                    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn')),
                    created_at INTEGER NOT NULL,
                    decided_by TEXT,
                    decided_at INTEGER,
                    decline_reason TEXT NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 2000),
                    referral_suggestion TEXT NOT NULL DEFAULT '' CHECK (length(referral_suggestion) <= 2000),
                    PRIMARY KEY (organization_id, id),
                    CHECK ((status = 'open') = (decided_at IS NULL))
                ) STRICT;
                CREATE INDEX intake_requests_by_time ON intake_requests(organization_id, created_at);

                CREATE TRIGGER intake_requests_decided_once BEFORE UPDATE OF status ON intake_requests
                WHEN OLD.status <> 'open'
                BEGIN
                    SELECT RAISE(ABORT, 'booking: intake already decided');
                END;

                CREATE TABLE check_ins (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    practitioner_id TEXT NOT NULL CHECK (length(practitioner_id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    rest_amount INTEGER NOT NULL CHECK (rest_amount BETWEEN 1 AND 365),
                    rest_unit TEXT NOT NULL CHECK (rest_unit IN ('days', 'weeks', 'months')),
                    marked_at INTEGER NOT NULL,
                    due_at INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('marked', 'done', 'cancelled')),
                    reason TEXT NOT NULL CHECK (length(reason) <= 500),
                    closed_at INTEGER,
                    PRIMARY KEY (organization_id, id),
                    CHECK (due_at > marked_at),
                    CHECK ((status = 'marked') = (closed_at IS NULL))
                ) STRICT;
                CREATE INDEX check_ins_due ON check_ins(organization_id, practitioner_id, status, due_at);

                CREATE TRIGGER check_ins_rest_fixed BEFORE UPDATE OF
                    practitioner_id, client_id, rest_amount, rest_unit, marked_at, due_at ON check_ins
                BEGIN
                    SELECT RAISE(ABORT, 'booking: a check-in''s rest period never changes');
                END;

                CREATE TABLE feedback (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    practitioner_id TEXT NOT NULL CHECK (length(practitioner_id) = 36),
                    appointment_id TEXT,
                    rating INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 5),
                    text TEXT NOT NULL CHECK (length(text) <= 4000),
                    submitted_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, id),
                    CHECK (rating > 0 OR length(text) > 0)
                ) STRICT;
                CREATE INDEX feedback_by_practitioner ON feedback(organization_id, practitioner_id, submitted_at);
                CREATE INDEX feedback_by_client ON feedback(organization_id, client_id, submitted_at);

                CREATE TRIGGER feedback_immutable BEFORE UPDATE ON feedback
                BEGIN
                    SELECT RAISE(ABORT, 'booking: feedback is never edited');
                END;
                """)
    }

    /// Agreements and the occurrences their series made: one row per (agreement, index), so a
    /// top-up repeated after a crash or by two runs at once never books an occurrence twice.
    @Sendable static func agreements(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE agreements (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    practitioner_id TEXT NOT NULL CHECK (length(practitioner_id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    goal TEXT NOT NULL CHECK (length(goal) BETWEEN 1 AND 2000),
                    every_weeks INTEGER NOT NULL CHECK (every_weeks BETWEEN 1 AND 12),
                    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
                    time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
                    session_type_id TEXT NOT NULL,
                    location_id TEXT NOT NULL CHECK (length(location_id) = 36),
                    -- Days since 1970-01-01 of the first occurrence's date, and of the last allowed.
                    first_day INTEGER NOT NULL,
                    end_day INTEGER,
                    occurrence_count INTEGER NOT NULL CHECK (occurrence_count BETWEEN 0 AND 1000),
                    price_currency TEXT NOT NULL CHECK (length(price_currency) = 3),
                    price_minor_units INTEGER NOT NULL CHECK (price_minor_units >= 0),
                    payment_terms TEXT NOT NULL CHECK (length(payment_terms) <= 2000),
                    cancellation_terms TEXT NOT NULL CHECK (length(cancellation_terms) <= 2000),
                    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'paused', 'declined', 'ended')),
                    proposed_at INTEGER NOT NULL,
                    decided_at INTEGER,
                    ended_at INTEGER,
                    PRIMARY KEY (organization_id, id),
                    CHECK (end_day IS NULL OR end_day >= first_day),
                    FOREIGN KEY (organization_id, session_type_id) REFERENCES session_types(organization_id, id)
                ) STRICT;
                CREATE INDEX agreements_by_status ON agreements(status, organization_id);
                CREATE INDEX agreements_by_client ON agreements(organization_id, client_id, practitioner_id);

                CREATE TRIGGER agreements_terms_fixed BEFORE UPDATE OF
                    practitioner_id, client_id, goal, every_weeks, weekday, start_minute, time_zone, session_type_id,
                    location_id, first_day, end_day, occurrence_count, price_currency, price_minor_units,
                    payment_terms, cancellation_terms ON agreements
                BEGIN
                    SELECT RAISE(ABORT, 'booking: an agreement''s terms never change; end it and propose another');
                END;

                CREATE TRIGGER agreements_status_flow BEFORE UPDATE OF status ON agreements
                WHEN NOT (OLD.status = NEW.status
                          OR (OLD.status = 'proposed' AND NEW.status IN ('active', 'declined'))
                          OR (OLD.status = 'active' AND NEW.status IN ('paused', 'ended'))
                          OR (OLD.status = 'paused' AND NEW.status IN ('active', 'ended')))
                BEGIN
                    SELECT RAISE(ABORT, 'booking: agreement status change not allowed');
                END;

                CREATE TABLE agreement_occurrences (
                    organization_id TEXT NOT NULL,
                    agreement_id TEXT NOT NULL,
                    occurrence_index INTEGER NOT NULL CHECK (occurrence_index >= 0),
                    starts_at INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('booked', 'collision')),
                    appointment_id TEXT,
                    problem TEXT NOT NULL DEFAULT '',
                    made_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, agreement_id, occurrence_index),
                    CHECK ((status = 'booked') = (appointment_id IS NOT NULL)),
                    FOREIGN KEY (organization_id, agreement_id) REFERENCES agreements(organization_id, id),
                    FOREIGN KEY (organization_id, appointment_id) REFERENCES appointments(organization_id, id)
                ) STRICT, WITHOUT ROWID;
                """)
    }

    /// Waitlist entries; at most one open offer per freed slot (practitioner and start).
    @Sendable static func waitlist(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE waitlist_entries (
                    organization_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) = 36),
                    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
                    practitioner_id TEXT,
                    session_type_id TEXT NOT NULL,
                    window_start INTEGER NOT NULL,
                    window_end INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'left')),
                    joined_at INTEGER NOT NULL,
                    offered_practitioner_id TEXT,
                    offered_location_id TEXT,
                    offered_start INTEGER,
                    offer_expires_at INTEGER,
                    appointment_id TEXT,
                    PRIMARY KEY (organization_id, id),
                    CHECK (window_end > window_start AND window_end - window_start <= 366 * 86400000),
                    CHECK ((status = 'offered') <= (offered_start IS NOT NULL AND offer_expires_at IS NOT NULL)),
                    CHECK ((status = 'booked') = (appointment_id IS NOT NULL)),
                    FOREIGN KEY (organization_id, session_type_id) REFERENCES session_types(organization_id, id)
                ) STRICT;
                CREATE INDEX waitlist_waiting ON waitlist_entries(organization_id, session_type_id, status, joined_at);
                CREATE INDEX waitlist_offers ON waitlist_entries(status, offer_expires_at);
                CREATE UNIQUE INDEX waitlist_one_offer_per_slot
                    ON waitlist_entries(organization_id, offered_practitioner_id, offered_start) WHERE status = 'offered';
                """)
    }

    /// Slot search and the overlap trigger read only time-holding rows, and of those only the
    /// times and the capacity (the type and place only of group sessions): this partial index
    /// answers them without touching the table, one contiguous range per practitioner.
    @Sendable static func heldTimeIndex(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX appointments_held_by_practitioner
                    ON appointments(organization_id, practitioner_id, starts_at, ends_at, blocked_until, capacity)
                    WHERE status IN ('booked', 'attended', 'no_show');
                """)
    }
}
