import Foundation
import GRDB

/// Builds GRDB configurations and applies the per-connection pragmas Tillit relies on.
enum ConnectionSetup {
    /// The GRDB configuration for a service database's pool.
    ///
    /// `prepareDatabase` sets `synchronous` on every connection as it opens. That is enough
    /// for reader connections, but not for the writer: `DatabasePool` switches the writer to
    /// WAL *after* `prepareDatabase` and sets `synchronous = NORMAL` while doing so, so
    /// `ServiceDatabase.open` applies the level to the writer again once the pool exists.
    ///
    /// The writer waits for a busy database through `BusyRetry`, which counts its retries.
    /// GRDB gives pool readers its own 10-second timeout (`readonlyBusyMode` is not public), so
    /// `prepareDatabase` overrides it on readers with `PRAGMA busy_timeout`, so that every
    /// connection waits the configured time.
    static func poolConfiguration(for configuration: DatabaseConfiguration) -> Configuration {
        var grdb = Configuration()
        grdb.readonly = configuration.readOnly
        grdb.foreignKeysEnabled = true
        let busyTimeoutMilliseconds = Int((configuration.busyTimeoutSeconds * 1000).rounded())
        grdb.busyMode = BusyRetry.mode(timeoutMilliseconds: busyTimeoutMilliseconds)
        grdb.maximumReaderCount = configuration.maximumReaderCount
        grdb.label = "Tillit.\(URL(fileURLWithPath: configuration.path).lastPathComponent)"
        // Keep statement arguments (row data) out of error descriptions and logs.
        grdb.publicStatementArguments = false
        let level = configuration.synchronous
        grdb.prepareDatabase { db in
            if db.configuration.readonly {
                try db.execute(sql: "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
            }
            try applySynchronous(level, to: db)
        }
        return grdb
    }

    /// The configuration of a single connection used to write or read a backup file.
    static func fileConfiguration(readOnly: Bool) -> Configuration {
        var grdb = Configuration()
        grdb.readonly = readOnly
        grdb.publicStatementArguments = false
        grdb.prepareDatabase { db in
            try applySynchronous(.full, to: db)
        }
        return grdb
    }

    /// Sets `PRAGMA synchronous` on `db` and verifies it took effect.
    ///
    /// Must run outside a transaction: SQLite refuses to change the level inside one.
    /// For `full` and above it also turns on `fullfsync` and `checkpoint_fullfsync`, which
    /// make SQLite use `F_FULLFSYNC` on Apple platforms (a no-op elsewhere).
    static func applySynchronous(_ level: DatabaseConfiguration.Synchronous, to db: Database) throws {
        try db.execute(sql: "PRAGMA synchronous = \(level.keyword)")
        if level.rawValue >= DatabaseConfiguration.Synchronous.full.rawValue {
            try db.execute(sql: "PRAGMA fullfsync = ON")
            try db.execute(sql: "PRAGMA checkpoint_fullfsync = ON")
        }
        let actual = try Int.fetchOne(db, sql: "PRAGMA synchronous")
        guard actual == level.rawValue else {
            throw StorageError(
                code: .openFailed,
                message: "connection \(db.description) reports synchronous="
                    + "\(actual.map(String.init) ?? "nil") after setting \(level.keyword) "
                    + "(\(level.rawValue)); refusing to use it")
        }
    }

    /// Throws `.openFailed` unless `db` is in WAL journal mode.
    static func requireWAL(_ db: Database, path: String) throws {
        let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode")
        guard mode?.lowercased() == "wal" else {
            throw StorageError(
                code: .openFailed,
                message: "database at \(path) is in journal mode '\(mode ?? "unknown")', expected 'wal'")
        }
    }

    /// A short, SQL-free reason for `error`, such as ": SQLite error 14 (unable to open ...)".
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return ": SQLite error \(error.extendedResultCode)"
        }
        if let error = error as? StorageError {
            return ": \(error.message)"
        }
        return ""
    }
}
