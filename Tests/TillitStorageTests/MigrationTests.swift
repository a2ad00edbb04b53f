import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@Suite(.timeLimit(.minutes(2))) struct MigrationTests {
    @Test func migrationsRunInOrderAndOnlyOnceAcrossReopen() throws {
        try withTemporaryDirectory { directory in
            let calls = Locked<[String]>([])
            let names = ["create_log", "second", "third"]
            let migrations = Fixtures.recording(names, calls: calls)

            let first = try Fixtures.open(in: directory, migrations: migrations)
            let log = try first.reader.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM migration_log ORDER BY seq")
            }
            #expect(log == names)
            #expect(try Fixtures.appliedMigrations(first) == names)
            #expect(try Fixtures.userVersion(first) == 3)
            try first.close()

            let second = try Fixtures.open(in: directory, migrations: migrations)
            defer { try? second.close() }
            #expect(calls.value == names, "reopening must not run migrations again")
            let logAfterReopen = try second.reader.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM migration_log ORDER BY seq")
            }
            #expect(logAfterReopen == names)
            #expect(try Fixtures.userVersion(second) == 3)
        }
    }

    @Test func newerBinaryUpgradesDatabaseOfOlderBinary() throws {
        try withTemporaryDirectory { directory in
            var version1 = Migrations()
            version1.register("create_clients") { db in
                try db.execute(sql: "CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            }
            let old = try Fixtures.open(in: directory, migrations: version1)
            try old.writer.write { db in
                try db.execute(sql: "INSERT INTO clients (name) VALUES ('Ada')")
            }
            #expect(try Fixtures.userVersion(old) == 1)
            try old.close()

            var version2 = version1
            version2.register("add_client_email") { db in
                try db.execute(sql: "ALTER TABLE clients ADD COLUMN email TEXT")
                try db.execute(sql: "UPDATE clients SET email = lower(name) || '@example.org'")
            }
            let upgraded = try Fixtures.open(in: directory, migrations: version2)
            defer { try? upgraded.close() }
            #expect(try Fixtures.appliedMigrations(upgraded) == ["create_clients", "add_client_email"])
            #expect(try Fixtures.userVersion(upgraded) == 2)
            let email = try upgraded.reader.read { db in
                try String.fetchOne(db, sql: "SELECT email FROM clients WHERE name = 'Ada'")
            }
            #expect(email == "ada@example.org")
        }
    }

    @Test func olderBinaryRefusesDatabaseOfNewerBinary() throws {
        try withTemporaryDirectory { directory in
            let calls = Locked<[String]>([])
            let newer = Fixtures.recording(["a", "b", "c", "d"], calls: calls)
            let older = Fixtures.recording(["a", "b"], calls: calls)
            let path = directory.appendingPathComponent("service.db").path

            try Fixtures.open(in: directory, migrations: newer).close()

            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: older)
            }
            #expect(error?.code == .newerDatabase)
            #expect(
                error?.message
                    == "database at \(path) was migrated by a newer Tillit (unknown migrations: c, d); "
                    + "refusing to open — upgrade the binary or restore a backup")

            // The refused database is untouched: the newer binary still opens it as is.
            let reopened = try Fixtures.open(in: directory, migrations: newer)
            defer { try? reopened.close() }
            #expect(try Fixtures.userVersion(reopened) == 4)
            #expect(calls.value == ["a", "b", "c", "d"])
        }
    }

    @Test func binaryWithDifferentMigrationHistoryIsRefused() throws {
        try withTemporaryDirectory { directory in
            let calls = Locked<[String]>([])
            try Fixtures.open(in: directory, migrations: Fixtures.recording(["a", "b"], calls: calls)).close()

            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: Fixtures.recording(["a", "x"], calls: calls))
            }
            #expect(error?.code == .newerDatabase)
            #expect(error?.message.contains("unknown migrations: b)") == true)
            #expect(calls.value == ["a", "b"])
        }
    }

    @Test func failedMigrationIsReportedAndRolledBack() throws {
        try withTemporaryDirectory { directory in
            struct Boom: Error {}
            var migrations = Migrations()
            migrations.register("create_clients") { db in
                try db.execute(sql: "CREATE TABLE clients (id INTEGER PRIMARY KEY)")
            }
            var broken = migrations
            broken.register("half_done") { db in
                try db.execute(sql: "CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
                throw Boom()
            }

            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: broken)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("migration 'half_done' failed") == true)
            #expect(error?.cause is Boom)

            var fixed = migrations
            fixed.register("half_done") { db in
                try db.execute(sql: "CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
            }
            let database = try Fixtures.open(in: directory, migrations: fixed)
            defer { try? database.close() }
            #expect(try Fixtures.appliedMigrations(database) == ["create_clients", "half_done"])
        }
    }

    @Test func migrationWithInvalidSQLKeepsSQLOutOfMessage() throws {
        try withTemporaryDirectory { directory in
            let migrations = Migrations([
                Migrations.Migration("typo") { db in
                    try db.execute(sql: "CREATE TABLEX secret_table_name (id INTEGER)")
                }
            ])
            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: migrations)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("migration 'typo' failed") == true)
            #expect(error?.message.contains("secret_table_name") == false)
            #expect(error?.message.contains("CREATE") == false)
            let cause = try #require(error?.cause as? DatabaseError)
            #expect(cause.resultCode == .SQLITE_ERROR)
            #expect(cause.sql?.contains("secret_table_name") == true)
        }
    }

    @Test func foreignKeyViolationLeftByMigrationNamesTheMigration() throws {
        try withTemporaryDirectory { directory in
            var migrations = Fixtures.schema
            migrations.register("orphan_session") { db in
                try db.execute(sql: "INSERT INTO sessions (client_id, minutes) VALUES (42, 50)")
            }
            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: migrations)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("migration 'orphan_session' failed") == true)
            #expect((error?.cause as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT)
        }
    }

    @Test func duplicateOrEmptyMigrationIdentifiersAreRejected() throws {
        try withTemporaryDirectory { directory in
            var duplicate = Migrations()
            duplicate.register("a") { _ in }
            duplicate.register("a") { _ in }
            let duplicateError = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: duplicate)
            }
            #expect(duplicateError?.code == .invalidConfiguration)
            #expect(duplicateError?.message.contains("'a' is registered twice") == true)

            let empty = Migrations([Migrations.Migration("") { _ in }])
            let emptyError = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: empty)
            }
            #expect(emptyError?.code == .invalidConfiguration)
        }
    }

    @Test func readOnlyOpenChecksButNeverRunsMigrations() throws {
        try withTemporaryDirectory { directory in
            let calls = Locked<[String]>([])
            try Fixtures.open(in: directory, migrations: Fixtures.recording(["a"], calls: calls)).close()

            let pendingError = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory, migrations: Fixtures.recording(["a", "b"], calls: calls)) {
                    $0.readOnly = true
                }
            }
            #expect(pendingError?.code == .pendingMigrations)
            #expect(pendingError?.message.contains("lacks migrations: b") == true)
            #expect(calls.value == ["a"])

            let readOnly = try Fixtures.open(
                in: directory, migrations: Fixtures.recording(["a"], calls: calls)
            ) {
                $0.readOnly = true
            }
            defer { try? readOnly.close() }
            #expect(try Fixtures.appliedMigrations(readOnly) == ["a"])
            let writeError = #expect(throws: DatabaseError.self) {
                try readOnly.writer.write { db in
                    try db.execute(sql: "INSERT INTO migration_log (name) VALUES ('sneaky')")
                }
            }
            #expect(writeError?.resultCode == .SQLITE_READONLY)
        }
    }
}
