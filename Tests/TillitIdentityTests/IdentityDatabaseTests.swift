import Foundation
import GRDB
import Testing
import TillitIdentity
import TillitStorage
import TillitTesting

/// The Identity schema: migrations, and every constraint and trigger refusing what it should.
@Suite(.timeLimit(.minutes(5)))
struct IdentityDatabaseTests {
    typealias T = TestDatabase

    // MARK: - Opening

    @Test func migrationsApplyInOrderAndReopenKeepsData() throws {
        try withTemporaryDirectory { directory in
            let first = try T.open(in: directory)
            let applied = try first.reader.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
            #expect(applied == IdentitySchema.identifiers)
            #expect(
                applied.allSatisfy {
                    $0.hasPrefix("identity-v1-") || $0.hasPrefix("audit-v1-") || $0.hasPrefix("audit-v2-")
                })
            try TestDatabase(directory: directory, database: first).insertFixtures()
            try first.close()

            let reopened = try T.open(in: directory)
            defer { try? reopened.close() }
            let organizations = try reopened.reader.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM organizations")
            }
            #expect(organizations == 2)
            let reapplied = try reopened.reader.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
            #expect(reapplied == applied)
        }
    }

    /// Migration identity-v1-nfc-emails: e-mails stored decomposed before it are composed (NFC)
    /// after it; one whose NFC form another account already holds stays as it was.
    @Test func theNfcMigrationComposesStoredEmails() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("identity.db").path
            let before = Migrations(
                Array(IdentitySchema.migrations(auditKeys: T.auditKeys).all.prefix { $0.identifier != "identity-v1-nfc-emails" }))
            let old = try ServiceDatabase.open(
                configuration: DatabaseConfiguration(path: path), migrations: before, logger: T.logger)
            let decomposed = "jose\u{301}@example.se"
            try old.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO organizations (id, name, time_zone, created_at) VALUES (?, 'P', 'UTC', 0)
                        """,
                    arguments: [T.organization])
                let accounts = [
                    (T.admin, decomposed), (T.practitioner, "ren\u{E9}@example.se"),
                    (T.client, "rene\u{301}@example.se"),
                ]
                for (id, email) in accounts {
                    try db.execute(
                        sql: """
                            INSERT INTO accounts (id, organization_id, kind, email, display_name, created_at)
                            VALUES (?, ?, 'staff', ?, 'Konto', 0)
                            """,
                        arguments: [id, T.organization, email])
                }
            }
            try old.close()

            let migrated = try T.open(in: directory)
            defer { try? migrated.close() }
            let emails = try migrated.reader.read { db in
                try Dictionary(
                    uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, email FROM accounts").map {
                        (String($0["id"]), String($0["email"]))
                    })
            }
            // Scalar by scalar: Swift's `==` on strings would call both forms equal.
            func scalars(_ text: String?) -> [Unicode.Scalar] { Array((text ?? "").unicodeScalars) }
            #expect(scalars(emails[T.admin]) == scalars("jos\u{E9}@example.se"))
            #expect(scalars(emails[T.practitioner]) == scalars("ren\u{E9}@example.se"))
            // Its NFC form was taken: left as it was.
            #expect(scalars(emails[T.client]) == scalars("rene\u{301}@example.se"))
        }
    }

    @Test func synchronousIsFull() throws {
        try T.with { test in
            let writer = try test.database.writer.write { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            let reader = try test.database.reader.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(writer == 2)
            #expect(reader == 2)
        }
    }

    @Test func foreignKeysAreEnforcedAndConsistent() throws {
        try T.with { test in
            let enabled = try test.database.reader.read { db in
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            }
            #expect(enabled == 1)
            let problems = try test.database.reader.read { db in
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            }
            #expect(problems.isEmpty)
        }
    }

    // MARK: - Audit trail

    @Test func auditEventsAppendAsAChain() throws {
        try T.with { test in
            try test.appendAuditEvent(seq: 1, previousFill: nil, fill: 1)
            try test.appendAuditEvent(seq: 2, previousFill: 1, fill: 2)
            #expect(try test.count("SELECT count(*) FROM audit_events") == 2)
        }
    }

    @Test func auditEventsRefuseUpdateAndDelete() throws {
        try T.with { test in
            try test.appendAuditEvent(seq: 1, previousFill: nil, fill: 1)
            test.expectRefused("UPDATE audit_events SET action = 'nothing'", message: "append-only")
            test.expectRefused("UPDATE audit_events SET hash = zeroblob(32)", message: "append-only")
            test.expectRefused("DELETE FROM audit_events", message: "append-only")
            #expect(try test.count("SELECT count(*) FROM audit_events WHERE action = 'login'") == 1)
        }
    }

    @Test func auditEventsMustExtendTheChain() throws {
        try T.with { test in
            // The first event links to 32 zero bytes and is number 1.
            #expect(throws: DatabaseError.self) {
                try test.appendAuditEvent(seq: 1, previousFill: 7, fill: 1)
            }
            #expect(throws: DatabaseError.self) {
                try test.appendAuditEvent(seq: 2, previousFill: nil, fill: 1)
            }
            try test.appendAuditEvent(seq: 1, previousFill: nil, fill: 1)
            // A gap, a repeated number and a wrong link are all refused.
            #expect(throws: DatabaseError.self) {
                try test.appendAuditEvent(seq: 3, previousFill: 1, fill: 3)
            }
            #expect(throws: DatabaseError.self) {
                try test.appendAuditEvent(seq: 1, previousFill: nil, fill: 9)
            }
            #expect(throws: DatabaseError.self) {
                try test.appendAuditEvent(seq: 2, previousFill: 5, fill: 2)
            }
            #expect(try test.count("SELECT count(*) FROM audit_events") == 1)
        }
    }

    @Test func eachOrganizationHasItsOwnChain() throws {
        try T.with { test in
            try test.appendAuditEvent(seq: 1, previousFill: nil, fill: 1)
            try test.execute(
                """
                INSERT INTO audit_events (organization_id, seq, at, action, outcome, prev_hash, hash, key_version)
                VALUES (?, 1, 0, 'login', 'failure', zeroblob(32), randomblob(32), 1)
                """, [T.otherOrganization])
            #expect(try test.count("SELECT count(*) FROM audit_events WHERE seq = 1") == 2)
        }
    }

    @Test func auditEventsRefuseBadOutcome() throws {
        try T.with { test in
            test.expectRefused(
                """
                INSERT INTO audit_events (organization_id, seq, at, action, outcome, prev_hash, hash, key_version)
                VALUES (?, 1, 0, 'login', 'maybe', zeroblob(32), zeroblob(32), 1)
                """, [T.organization], message: "CHECK")
        }
    }

    // MARK: - Organisations and accounts

    @Test func accountsOrganizationsAndLocationsAreNeverDeleted() throws {
        try T.with { test in
            test.expectRefused("DELETE FROM accounts WHERE id = ?", [T.client], message: "deactivate instead")
            test.expectRefused(
                "DELETE FROM organizations WHERE id = ?", [T.organization], message: "never deleted")
            try test.execute(
                "INSERT INTO locations (id, organization_id, name, address, city, created_at) VALUES (?, ?, ?, ?, ?, 0)",
                [
                    "00000000-0000-4000-8000-00000000c001", T.organization, "Mottagningen", "Storgatan 1",
                    "Umeå",
                ])
            test.expectRefused("DELETE FROM locations", message: "deactivate instead")
            // Deactivating is the way, and needs its timestamp.
            test.expectRefused("UPDATE accounts SET status = 'deactivated' WHERE id = ?", [T.client])
            try test.execute(
                "UPDATE accounts SET status = 'deactivated', deactivated_at = 1 WHERE id = ?", [T.client])
            #expect(try test.count("SELECT count(*) FROM accounts WHERE status = 'deactivated'") == 1)
        }
    }

    @Test func accountIdentityNeverChanges() throws {
        try T.with { test in
            test.expectRefused(
                "UPDATE accounts SET kind = 'client' WHERE id = ?", [T.admin], message: "never change")
            test.expectRefused(
                "UPDATE accounts SET organization_id = ? WHERE id = ?", [T.otherOrganization, T.admin],
                message: "never change")
        }
    }

    @Test func badEnumerationValuesAreRefused() throws {
        try T.with { test in
            test.expectRefused(
                "INSERT INTO accounts (id, organization_id, kind, display_name, created_at) VALUES (?, ?, 'robot', 'R', 0)",
                ["00000000-0000-4000-8000-0000000000f1", T.organization], message: "CHECK")
            test.expectRefused(
                "UPDATE accounts SET status = 'paused' WHERE id = ?", [T.admin], message: "CHECK")
            test.expectRefused(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'owner', 0)",
                [T.organization, T.admin], message: "CHECK")
            test.expectRefused(
                "INSERT INTO staff_profiles (account_id, organization_id, licence_status) VALUES (?, ?, 'expired')",
                [T.practitioner, T.organization], message: "CHECK")
            test.expectRefused(
                """
                INSERT INTO consents (id, organization_id, client_account_id, kind, granted_at, recorded_by)
                VALUES ('00000000-0000-4000-8000-00000000d001', ?, ?, 'forever', 0, ?)
                """, [T.organization, T.client, T.client], message: "CHECK")
            test.expectRefused(
                """
                INSERT INTO contact_policies (organization_id, night_rule, weekend_rule, updated_at, updated_by)
                VALUES (?, 'whenever', 'no_contact', 0, ?)
                """, [T.organization, T.admin], message: "CHECK")
        }
    }

    @Test func emailIsUniqueWithinAnOrganizationIgnoringCase() throws {
        try T.with { test in
            let insert = """
                INSERT INTO accounts (id, organization_id, kind, email, display_name, created_at)
                VALUES (?, ?, 'staff', ?, 'Ny', 0)
                """
            test.expectRefused(
                insert, ["00000000-0000-4000-8000-0000000000f2", T.organization, "ADMIN@example.se"],
                message: "already exists")
            // The same address in another practice is another person's login.
            try test.execute(
                insert, ["00000000-0000-4000-8000-0000000000f3", T.otherOrganization, "admin@example.se"])
        }
    }

    @Test func staffNeedEmailAndServicesHaveNone() throws {
        try T.with { test in
            test.expectRefused(
                "INSERT INTO accounts (id, organization_id, kind, display_name, created_at) VALUES (?, ?, 'staff', 'S', 0)",
                ["00000000-0000-4000-8000-0000000000f4", T.organization], message: "CHECK")
            test.expectRefused(
                """
                INSERT INTO accounts (id, organization_id, kind, email, display_name, created_at)
                VALUES (?, ?, 'service', 'svc@example.se', 'S', 0)
                """, ["00000000-0000-4000-8000-0000000000f5", T.organization], message: "CHECK")
            test.expectRefused(
                "INSERT INTO accounts (id, organization_id, kind, display_name, created_at) VALUES (?, ?, 'client', '', 0)",
                ["00000000-0000-4000-8000-0000000000f6", T.organization], message: "CHECK")
        }
    }

    @Test func foreignKeyViolationsAreRefused() throws {
        try T.with { test in
            // An account of an organisation that does not exist.
            test.expectRefused(
                "INSERT INTO accounts (id, organization_id, kind, display_name, created_at) VALUES (?, ?, 'client', 'C', 0)",
                ["00000000-0000-4000-8000-0000000000f7", "00000000-0000-4000-8000-000000000009"],
                message: "FOREIGN KEY")
            // A role row that names the account under another organisation.
            test.expectRefused(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'admin', 0)",
                [T.otherOrganization, T.admin], message: "FOREIGN KEY")
            // A supervisor from another practice.
            test.expectRefused(
                """
                INSERT INTO staff_profiles (account_id, organization_id, licence_status, supervisor_account_id)
                VALUES (?, ?, 'pre_licensed', ?)
                """, [T.practitioner, T.organization, T.otherPractitioner], message: "FOREIGN KEY")
            // Consent shared with another practice's practitioner.
            test.expectRefused(
                """
                INSERT INTO consents (id, organization_id, client_account_id, kind, practitioner_account_id,
                    granted_at, recorded_by)
                VALUES ('00000000-0000-4000-8000-00000000d002', ?, ?, 'share_with_practitioner', ?, 0, ?)
                """, [T.organization, T.client, T.otherPractitioner, T.client], message: "FOREIGN KEY")
            // A refresh token of an unknown account.
            test.expectRefused(
                """
                INSERT INTO refresh_tokens (token_hash, organization_id, account_id, family_id, issued_at, expires_at)
                VALUES (zeroblob(32), ?, '00000000-0000-4000-8000-0000000000ff',
                    '00000000-0000-4000-8000-00000000e001', 0, 1)
                """, [T.organization], message: "FOREIGN KEY")
        }
    }

    @Test func rolesAndProfilesMatchTheAccountKind() throws {
        try T.with { test in
            try test.execute(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'admin', 0)",
                [T.organization, T.admin])
            try test.execute(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'supervisor', 0)",
                [T.organization, T.admin])
            test.expectRefused(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'admin', 0)",
                [T.organization, T.admin], message: "UNIQUE")
            test.expectRefused(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'practitioner', 0)",
                [T.organization, T.client], message: "only staff")
            test.expectRefused(
                "INSERT INTO staff_profiles (account_id, organization_id) VALUES (?, ?)",
                [T.client, T.organization],
                message: "staff account")
            test.expectRefused(
                "INSERT INTO client_profiles (account_id, organization_id) VALUES (?, ?)",
                [T.admin, T.organization],
                message: "client account")
            test.expectRefused(
                "INSERT INTO staff_profiles (account_id, organization_id, languages) VALUES (?, ?, 'sv')",
                [T.practitioner, T.organization], message: "CHECK")
        }
    }

    @Test func rolesAndProfilesNeverMoveToAnotherAccount() throws {
        try T.with { test in
            try test.execute(
                "INSERT INTO account_roles (organization_id, account_id, role, granted_at) VALUES (?, ?, 'admin', 0)",
                [T.organization, T.admin])
            try test.execute(
                "INSERT INTO client_profiles (account_id, organization_id) VALUES (?, ?)",
                [T.client, T.organization])
            test.expectRefused(
                "UPDATE account_roles SET account_id = ? WHERE account_id = ?", [T.client, T.admin],
                message: "never move")
            test.expectRefused(
                "UPDATE client_profiles SET account_id = ? WHERE account_id = ?", [T.admin, T.client],
                message: "never move")
            // Other columns may change.
            try test.execute(
                "UPDATE client_profiles SET time_zone = 'Europe/Helsinki' WHERE account_id = ?", [T.client])
        }
    }

    @Test func preLicensedPractitionersNameASupervisor() throws {
        try T.with { test in
            test.expectRefused(
                "INSERT INTO staff_profiles (account_id, organization_id, licence_status) VALUES (?, ?, 'pre_licensed')",
                [T.practitioner, T.organization], message: "CHECK")
            test.expectRefused(
                """
                INSERT INTO staff_profiles (account_id, organization_id, licence_status, supervisor_account_id)
                VALUES (?, ?, 'pre_licensed', ?)
                """, [T.practitioner, T.organization, T.practitioner], message: "CHECK")
            try test.execute(
                """
                INSERT INTO staff_profiles (account_id, organization_id, languages, licence_status, supervisor_account_id)
                VALUES (?, ?, '["sv","fi"]', 'pre_licensed', ?)
                """, [T.practitioner, T.organization, T.admin])
        }
    }

    @Test func insertOrReplaceCannotOverwriteRecords() throws {
        try T.with { test in
            // REPLACE deletes the old row without firing DELETE triggers; the inserts refuse it.
            test.expectRefused(
                """
                INSERT OR REPLACE INTO accounts (id, organization_id, kind, email, display_name, created_at)
                VALUES (?, ?, 'client', 'x@example.se', 'Ersatt', 0)
                """, [T.admin, T.organization], message: "never replaced")
            test.expectRefused(
                """
                INSERT OR REPLACE INTO accounts (id, organization_id, kind, email, display_name, created_at)
                VALUES ('00000000-0000-4000-8000-0000000000f8', ?, 'staff', 'Admin@Example.se', 'Ny', 0)
                """, [T.organization], message: "never replaced")
            test.expectRefused(
                "INSERT OR REPLACE INTO organizations (id, name, time_zone, created_at) VALUES (?, 'X', 'UTC', 0)",
                [T.organization], message: "never replaced")
            try test.appendAuditEvent(seq: 1, previousFill: nil, fill: 1)
            test.expectRefused(
                """
                INSERT OR REPLACE INTO audit_events (organization_id, seq, at, action, outcome, prev_hash, hash, key_version)
                VALUES (?, 1, 0, 'forged', 'success', zeroblob(32), randomblob(32), 1)
                """, [T.organization], message: "extend the chain")
            let consent = """
                INSERT OR REPLACE INTO consents (id, organization_id, client_account_id, kind, granted_at, recorded_by)
                VALUES (?, ?, ?, 'case_consultation', 0, ?)
                """
            try test.execute(
                consent, ["00000000-0000-4000-8000-00000000d00b", T.organization, T.client, T.client])
            test.expectRefused(
                consent, ["00000000-0000-4000-8000-00000000d00b", T.organization, T.client, T.client],
                message: "never replaced")
            test.expectRefused(
                consent, ["00000000-0000-4000-8000-00000000d00c", T.organization, T.client, T.client],
                message: "never replaced")
            #expect(
                try test.count("SELECT count(*) FROM accounts WHERE id = ? AND kind = 'staff'", [T.admin])
                    == 1)
            #expect(try test.count("SELECT count(*) FROM audit_events WHERE action = 'login'") == 1)
            #expect(try test.count("SELECT count(*) FROM consents") == 1)
        }
    }

    // MARK: - Credentials

    @Test func atMostOneCurrentPasswordPerAccount() throws {
        try T.with { test in
            let insert = """
                INSERT INTO password_credentials (organization_id, account_id, algorithm, parameters, salt, hash,
                    created_at, superseded_at)
                VALUES (?, ?, 'scrypt', '{"n":131072,"r":8,"p":1,"length":32}', randomblob(16), randomblob(32), 0, ?)
                """
            try test.execute(insert, [T.organization, T.admin, nil as Int?])
            test.expectRefused(insert, [T.organization, T.admin, nil as Int?], message: "UNIQUE")
            // Superseded credentials are history and may be many.
            try test.execute(insert, [T.organization, T.admin, 5])
            try test.execute(insert, [T.organization, T.admin, 6])
            test.expectRefused(
                insert.replacingOccurrences(of: "'scrypt'", with: "'md5'"),
                [T.organization, T.client, nil as Int?],
                message: "CHECK")
            test.expectRefused(insert, [T.organization, T.service, nil as Int?], message: "staff and client")
        }
    }

    @Test func refreshTokensAndTotpSecretsAreChecked() throws {
        try T.with { test in
            test.expectRefused(
                """
                INSERT INTO refresh_tokens (token_hash, organization_id, account_id, family_id, issued_at, expires_at)
                VALUES (randomblob(16), ?, ?, '00000000-0000-4000-8000-00000000e001', 0, 1)
                """, [T.organization, T.admin], message: "CHECK")
            test.expectRefused(
                """
                INSERT INTO refresh_tokens (token_hash, organization_id, account_id, family_id, issued_at, expires_at)
                VALUES (randomblob(32), ?, ?, '00000000-0000-4000-8000-00000000e001', 5, 5)
                """, [T.organization, T.admin], message: "CHECK")
            let totp = """
                INSERT INTO totp_secrets (organization_id, account_id, secret_ciphertext, key_version, created_at,
                    confirmed_at)
                VALUES (?, ?, randomblob(20), 1, 0, ?)
                """
            try test.execute(totp, [T.organization, T.admin, 1])
            test.expectRefused(totp, [T.organization, T.admin, 2], message: "UNIQUE")
            try test.execute(totp, [T.organization, T.admin, nil as Int?])
            test.expectRefused(totp, [T.organization, T.admin, nil as Int?], message: "UNIQUE")
        }
    }

    @Test func signingKeysAreEd25519PublicKeysOnly() throws {
        try T.with { test in
            let insert = """
                INSERT INTO signing_keys (key_id, algorithm, public_key, private_key_reference, created_at, not_after)
                VALUES (?, ?, ?, 'file:k.key', 0, 10)
                """
            try test.execute(insert, ["k1", "ed25519", Data(repeating: 1, count: 32)])
            test.expectRefused(insert, ["k2", "rs256", Data(repeating: 1, count: 32)], message: "CHECK")
            test.expectRefused(insert, ["k3", "ed25519", Data(repeating: 1, count: 64)], message: "CHECK")
        }
    }

    // MARK: - Consent

    @Test func consentsAreRecordedRevokedOnceAndNeverDeleted() throws {
        try T.with { test in
            let id = "00000000-0000-4000-8000-00000000d003"
            try test.execute(
                """
                INSERT INTO consents (id, organization_id, client_account_id, kind, granted_at, recorded_by, how_given)
                VALUES (?, ?, ?, 'treatment', 10, ?, 'orally at intake')
                """, [id, T.organization, T.client, T.admin])
            // A second consent of the same kind in force is refused.
            test.expectRefused(
                """
                INSERT INTO consents (id, organization_id, client_account_id, kind, granted_at, recorded_by)
                VALUES ('00000000-0000-4000-8000-00000000d004', ?, ?, 'treatment', 11, ?)
                """, [T.organization, T.client, T.client], message: "already in force")
            test.expectRefused(
                "UPDATE consents SET kind = 'case_consultation' WHERE id = ?", [id], message: "revoked")
            test.expectRefused("DELETE FROM consents WHERE id = ?", [id], message: "revoke instead")
            try test.execute(
                "UPDATE consents SET revoked_at = 20, revoked_by = ? WHERE id = ?", [T.client, id])
            test.expectRefused(
                "UPDATE consents SET revoked_at = 30 WHERE id = ?", [id], message: "revoked, once")
            // Revoked, a new grant of the same kind is allowed.
            try test.execute(
                """
                INSERT INTO consents (id, organization_id, client_account_id, kind, granted_at, recorded_by)
                VALUES ('00000000-0000-4000-8000-00000000d005', ?, ?, 'treatment', 40, ?)
                """, [T.organization, T.client, T.client])
        }
    }

    @Test func consentRulesOfKindAndRecorder() throws {
        try T.with { test in
            let insert = """
                INSERT INTO consents (id, organization_id, client_account_id, kind, practitioner_account_id,
                    granted_at, recorded_by, how_given)
                VALUES (?, ?, ?, ?, ?, 0, ?, ?)
                """
            // Sharing names a practitioner; other kinds do not.
            test.expectRefused(
                insert,
                [
                    "00000000-0000-4000-8000-00000000d006", T.organization, T.client,
                    "share_with_practitioner", nil,
                    T.client, nil,
                ], message: "CHECK")
            test.expectRefused(
                insert,
                [
                    "00000000-0000-4000-8000-00000000d007", T.organization, T.client, "treatment",
                    T.practitioner,
                    T.client, nil,
                ], message: "CHECK")
            // Staff recording for the client must say how it was given.
            test.expectRefused(
                insert,
                [
                    "00000000-0000-4000-8000-00000000d008", T.organization, T.client, "treatment", nil,
                    T.admin, nil,
                ],
                message: "CHECK")
            // Only clients give consent.
            test.expectRefused(
                insert,
                [
                    "00000000-0000-4000-8000-00000000d009", T.organization, T.practitioner, "treatment", nil,
                    T.practitioner, nil,
                ], message: "client accounts")
            try test.execute(
                insert,
                [
                    "00000000-0000-4000-8000-00000000d00a", T.organization, T.client,
                    "share_with_practitioner",
                    T.practitioner, T.client, nil,
                ])
        }
    }

    // MARK: - Contact policy and throttling

    @Test func contactHoursAreValidMinutesOfAWeekday() throws {
        try T.with { test in
            try test.execute(
                """
                INSERT INTO contact_policies (organization_id, night_rule, weekend_rule, emergency_instructions,
                    updated_at, updated_by)
                VALUES (?, 'emergency_only', 'no_contact', 'Ring 112', 0, ?)
                """, [T.organization, T.admin])
            let hours =
                "INSERT INTO contact_hours (organization_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)"
            try test.execute(hours, [T.organization, 1, 480, 1020])
            test.expectRefused(hours, [T.organization, 8, 480, 1020], message: "CHECK")
            test.expectRefused(hours, [T.organization, 2, 1020, 480], message: "CHECK")
            test.expectRefused(hours, [T.organization, 2, 0, 1441], message: "CHECK")
            // Hours need the practice's policy row.
            test.expectRefused(hours, [T.otherOrganization, 1, 480, 1020], message: "FOREIGN KEY")
        }
    }

    /// `login_limits` replaced `login_throttle` (migration identity-v1-login-limits): rows name
    /// their kind, counts are never negative, a subject is never empty.
    @Test func loginLimitRowsNameTheirKind() throws {
        try T.with { test in
            let insert = """
                INSERT INTO login_limits (kind, subject, failures, window_started_at, expires_at)
                VALUES (?, ?, ?, 0, 0)
                """
            try test.execute(insert, ["pair", "\(T.organization)/admin@example.se 192.0.2.7", 1])
            try test.execute(insert, ["source", "2001:db8:1:2::/64", 1])
            try test.execute(insert, ["account", "\(T.organization)/admin@example.se", 1])
            try test.execute(insert, ["unknown_audit", T.organization, 1])
            test.expectRefused(insert, ["device", "x", 1], message: "CHECK")
            test.expectRefused(insert, ["source", "192.0.2.8", -1], message: "CHECK")
            test.expectRefused(insert, ["source", "", 1], message: "CHECK")
            test.expectRefused(insert, ["source", "2001:db8:1:2::/64", 1], message: "UNIQUE")
            let old = try test.database.reader.read { db in try db.tableExists("login_throttle") }
            #expect(!old)
        }
    }
}
