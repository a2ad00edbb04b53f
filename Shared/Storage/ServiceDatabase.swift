import Foundation
import GRDB
import Logging

/// One service's open SQLite database: a GRDB `DatabasePool` in WAL mode, migrated, with
/// the configured `synchronous` level, busy timeout and foreign keys on every connection.
///
/// Write transactions begin with `BEGIN IMMEDIATE` (GRDB's default for writers).
public struct ServiceDatabase: Sendable {
    /// The underlying pool; prefer `writer` and `reader`.
    public let pool: DatabasePool
    /// The configuration the database was opened with.
    public let configuration: DatabaseConfiguration
    /// The migrations this binary knows, in order.
    public let migrations: Migrations
    private let logger: Logger

    /// Serialized write access; transactions begin with `BEGIN IMMEDIATE`.
    public var writer: some DatabaseWriter {
        pool
    }

    /// Concurrent read access; each read sees a consistent snapshot.
    public var reader: some DatabaseReader {
        pool
    }

    /// The path of the database file.
    public var path: String {
        configuration.path
    }

    private init(
        pool: DatabasePool,
        configuration: DatabaseConfiguration,
        migrations: Migrations,
        logger: Logger
    ) {
        self.pool = pool
        self.configuration = configuration
        self.migrations = migrations
        self.logger = logger
    }

    // MARK: - Opening

    /// Opens (creating if needed) the database and runs the migrations it has not applied.
    ///
    /// - Throws: `StorageError` with `.invalidConfiguration`, `.openFailed`,
    ///   `.newerDatabase` (the database has migrations this binary does not know; it is left
    ///   untouched), `.pendingMigrations` (read-only and not fully migrated) or
    ///   `.migrationFailed`.
    public static func open(
        configuration: DatabaseConfiguration,
        migrations: Migrations,
        logger: Logger
    ) throws -> ServiceDatabase {
        try configuration.validate()
        try migrations.validate()
        let path = configuration.path

        let pool: DatabasePool
        do {
            pool = try DatabasePool(
                path: path, configuration: ConnectionSetup.poolConfiguration(for: configuration))
        } catch {
            throw StorageError(
                code: .openFailed,
                message: "could not open database at \(path)\(ConnectionSetup.reason(error))",
                cause: error)
        }

        do {
            if !configuration.readOnly {
                try pool.writeWithoutTransaction { db in
                    // DatabasePool's WAL setup ran after prepareDatabase and left the writer
                    // at synchronous=NORMAL; apply the configured level again.
                    try ConnectionSetup.applySynchronous(configuration.synchronous, to: db)
                    try ConnectionSetup.requireWAL(db, path: path)
                }
            }
            let database = ServiceDatabase(
                pool: pool, configuration: configuration, migrations: migrations, logger: logger)
            let applied = try database.migrate()
            logger.info(
                "opened database",
                metadata: [
                    "path": "\(path)",
                    "schema_version": "\(migrations.all.count)",
                    "applied_migrations": "\(applied.joined(separator: ","))",
                    "read_only": "\(configuration.readOnly)",
                    "synchronous": "\(configuration.synchronous.keyword)",
                ])
            return database
        } catch {
            try? pool.close()
            if let error = error as? StorageError {
                throw error
            }
            throw StorageError(
                code: .openFailed,
                message: "could not set up database at \(path)\(ConnectionSetup.reason(error))",
                cause: error)
        }
    }

    /// Closes every connection; the value must not be used afterwards.
    ///
    /// - Throws: `StorageError` with `.closeFailed`.
    public func close() throws {
        do {
            try pool.close()
        } catch {
            throw StorageError(
                code: .closeFailed,
                message: "could not close database at \(path)\(ConnectionSetup.reason(error))",
                cause: error)
        }
        logger.debug("closed database", metadata: ["path": "\(path)"])
    }

    // MARK: - Migrations

    /// Refuses a newer database, then runs pending migrations; returns those it ran.
    private func migrate() throws -> [String] {
        let known = migrations.identifiers
        let applied = try appliedMigrationIdentifiers()
        try refuseUnknown(applied: applied)

        let pending = known.filter { !applied.contains($0) }
        if configuration.readOnly {
            guard pending.isEmpty else {
                throw StorageError(
                    code: .pendingMigrations,
                    message: "database at \(path) is opened read-only but lacks migrations: "
                        + "\(pending.joined(separator: ", ")); open it read-write once to migrate it")
            }
            return []
        }

        if !pending.isEmpty {
            do {
                try migrations.makeMigrator().migrate(pool)
            } catch {
                throw migrationFailure(error, pending: pending)
            }
            // A newer binary could have migrated the file concurrently; check again.
            try refuseUnknown(applied: try appliedMigrationIdentifiers())
            logger.notice(
                "applied migrations",
                metadata: ["path": "\(path)", "migrations": "\(pending.joined(separator: ","))"])
        }

        let version = known.count
        try pool.writeWithoutTransaction { db in
            if try Int.fetchOne(db, sql: "PRAGMA user_version") != version {
                try db.execute(sql: "PRAGMA user_version = \(version)")
            }
        }
        return pending
    }

    /// The identifiers recorded by GRDB's migrator, in the order they were applied.
    private func appliedMigrationIdentifiers() throws -> [String] {
        do {
            return try pool.read { db in
                guard try db.tableExists("grdb_migrations") else {
                    return []
                }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        } catch {
            throw StorageError(
                code: .openFailed,
                message: "could not read the migration history of database at \(path)"
                    + ConnectionSetup.reason(error),
                cause: error)
        }
    }

    /// Throws `.newerDatabase` if `applied` holds identifiers this binary does not know.
    private func refuseUnknown(applied: [String]) throws {
        let known = Set(migrations.identifiers)
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StorageError(
                code: .newerDatabase,
                message: "database at \(path) was migrated by a newer Tillit (unknown migrations: "
                    + "\(unknown.joined(separator: ", "))); refusing to open — upgrade the binary "
                    + "or restore a backup")
        }
    }

    /// Wraps a migrator error, naming the migration that failed.
    private func migrationFailure(_ error: any Error, pending: [String]) -> StorageError {
        let identifier: String?
        let cause: any Error
        if let failed = error as? FailedMigration {
            identifier = failed.identifier
            cause = failed.underlying
        } else {
            // E.g. GRDB's deferred foreign key check, which runs after the migration body.
            let applied = (try? appliedMigrationIdentifiers()) ?? []
            identifier = pending.first { !applied.contains($0) }
            cause = error
        }
        let name = identifier.map { "migration '\($0)'" } ?? "a migration"
        return StorageError(
            code: .migrationFailed,
            message: "\(name) failed on database at \(path)\(ConnectionSetup.reason(cause)); "
                + "the database stays at its last completed migration",
            cause: cause)
    }

    // MARK: - Backup and restore

    /// Copies the database to a file at `path` with SQLite's online backup API.
    ///
    /// Writes may continue meanwhile; the copy is the snapshot of one read transaction. The
    /// copy is written next to `path`, must pass `PRAGMA integrity_check`, and then replaces
    /// any file at `path` atomically. The copy is a plain (non-WAL) single file that `open`
    /// accepts as is.
    ///
    /// - Throws: `StorageError` with `.backupFailed` or `.integrityCheckFailed`.
    public func backup(to path: String) throws {
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        let source = URL(fileURLWithPath: self.path).standardizedFileURL
        guard destination.path != source.path else {
            throw StorageError(
                code: .backupFailed,
                message: "refusing to back up database at \(self.path) onto itself")
        }
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
            .path
        defer { DatabaseFiles.remove(databaseAt: partial) }

        do {
            try Self.copy(
                from: pool, toDatabaseAt: partial,
                configuration: ConnectionSetup.fileConfiguration(readOnly: false)
            ) { target in
                try target.writeWithoutTransaction { db in
                    // The copied header carries the source's WAL flag; make it one plain file.
                    _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                }
            }
        } catch {
            throw StorageError(
                code: .backupFailed,
                message: "could not back up database at \(self.path) to \(path)"
                    + ConnectionSetup.reason(error),
                cause: error)
        }

        do {
            try Self.checkIntegrity(ofDatabaseAt: partial)
        } catch let error as StorageError {
            throw StorageError(
                code: .integrityCheckFailed,
                message: "backup of database at \(self.path) failed its integrity check; "
                    + "nothing was written to \(path)",
                cause: error)
        }

        do {
            try DatabaseFiles.replace(destination.path, with: partial)
        } catch {
            throw StorageError(
                code: .backupFailed,
                message: "could not move the backup of database at \(self.path) into place at \(path)",
                cause: error)
        }
        logger.info("backed up database", metadata: ["path": "\(self.path)", "backup": "\(path)"])
    }

    /// Copies a verified backup over the database at `configuration.path`.
    ///
    /// Run it while no process has that database open, then `open` it as usual (the
    /// backup's migrations are checked then). A backup file can also be opened directly.
    /// The copy goes through SQLite, so a leftover `-wal` file of the old database is
    /// handled, not replayed over the restored data.
    ///
    /// - Throws: `StorageError` with `.invalidConfiguration`, `.integrityCheckFailed` or
    ///   `.restoreFailed`.
    public static func restore(
        fromBackupAt backupPath: String,
        to configuration: DatabaseConfiguration,
        logger: Logger
    ) throws {
        try configuration.validate()
        guard !configuration.readOnly else {
            throw StorageError(
                code: .invalidConfiguration,
                message: "cannot restore into database at \(configuration.path) opened read-only")
        }
        try checkIntegrity(ofDatabaseAt: backupPath)
        do {
            let source = try DatabaseQueue(
                path: backupPath, configuration: ConnectionSetup.fileConfiguration(readOnly: true))
            defer { try? source.close() }
            var targetConfiguration = ConnectionSetup.fileConfiguration(readOnly: false)
            targetConfiguration.busyMode = .timeout(configuration.busyTimeoutSeconds)
            try copy(from: source, toDatabaseAt: configuration.path, configuration: targetConfiguration)
        } catch {
            throw StorageError(
                code: .restoreFailed,
                message: "could not restore database at \(configuration.path) from \(backupPath)"
                    + ConnectionSetup.reason(error),
                cause: error)
        }
        logger.notice(
            "restored database from backup",
            metadata: ["path": "\(configuration.path)", "backup": "\(backupPath)"])
    }

    /// Copies `source` into the database at `path` with SQLite's online backup API, runs
    /// `finish` on the copy, and closes it, also when a step fails.
    private static func copy(
        from source: some DatabaseReader,
        toDatabaseAt path: String,
        configuration: Configuration,
        finish: (DatabaseQueue) throws -> Void = { _ in }
    ) throws {
        let target = try DatabaseQueue(path: path, configuration: configuration)
        do {
            try source.backup(to: target)
            try finish(target)
        } catch {
            try? target.close()
            throw error
        }
        try target.close()
    }

    // MARK: - Integrity

    /// Runs `PRAGMA integrity_check` on this database, on a reader connection.
    ///
    /// - Throws: `StorageError` with `.integrityCheckFailed`.
    public func checkIntegrity() throws {
        try Self.checkIntegrity(of: pool, path: path)
    }

    /// Opens the database file at `path` read-only and runs `PRAGMA integrity_check`.
    ///
    /// - Throws: `StorageError` with `.integrityCheckFailed`.
    public static func checkIntegrity(ofDatabaseAt path: String) throws {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(
                path: path, configuration: ConnectionSetup.fileConfiguration(readOnly: true))
        } catch {
            throw StorageError(
                code: .integrityCheckFailed,
                message: "could not open database at \(path) to check it\(ConnectionSetup.reason(error))",
                cause: error)
        }
        defer { try? queue.close() }
        try checkIntegrity(of: queue, path: path)
    }

    /// Runs `PRAGMA integrity_check` through `reader`; only the single row "ok" passes.
    private static func checkIntegrity(of reader: some DatabaseReader, path: String) throws {
        let lines: [String]
        do {
            lines = try reader.read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check")
            }
        } catch {
            throw StorageError(
                code: .integrityCheckFailed,
                message:
                    "integrity check of database at \(path) could not run\(ConnectionSetup.reason(error))",
                cause: error)
        }
        guard lines == ["ok"] else {
            throw StorageError(
                code: .integrityCheckFailed,
                message: "database at \(path) failed its integrity check with \(lines.count) problem(s)",
                cause: IntegrityProblems(lines: lines))
        }
    }
}
