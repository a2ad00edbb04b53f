import Foundation
import GRDB
import TillitStorage

/// Migrations and helpers shared by the storage tests.
enum Fixtures {
    /// Creates `clients` and `sessions` (with a foreign key) and `events` (for bulk writes).
    static let schema = Migrations([
        Migrations.Migration("create_clients") { db in
            try db.execute(
                sql: """
                    CREATE TABLE clients (
                        id INTEGER PRIMARY KEY,
                        email TEXT NOT NULL UNIQUE
                    )
                    """)
        },
        Migrations.Migration("create_sessions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sessions (
                        id INTEGER PRIMARY KEY,
                        client_id INTEGER NOT NULL REFERENCES clients(id),
                        minutes INTEGER NOT NULL CHECK (minutes > 0)
                    )
                    """)
        },
        Migrations.Migration("create_events") { db in
            try db.execute(sql: "CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        },
    ])

    /// Migrations that each record their name, in `migration_log` and in `calls`.
    static func recording(_ names: [String], calls: Locked<[String]>) -> Migrations {
        Migrations(
            names.map { name in
                Migrations.Migration(name) { db in
                    calls.withLock { $0.append(name) }
                    try db.execute(
                        sql: """
                            CREATE TABLE IF NOT EXISTS migration_log (
                                seq INTEGER PRIMARY KEY,
                                name TEXT NOT NULL
                            )
                            """)
                    try db.execute(sql: "INSERT INTO migration_log (name) VALUES (?)", arguments: [name])
                }
            })
    }

    /// Opens `name` in `directory` with `migrations` and otherwise default settings.
    static func open(
        _ name: String = "service.db",
        in directory: URL,
        migrations: Migrations = schema,
        configure: (inout DatabaseConfiguration) -> Void = { _ in }
    ) throws -> ServiceDatabase {
        var configuration = DatabaseConfiguration(path: directory.appendingPathComponent(name).path)
        configure(&configuration)
        return try ServiceDatabase.open(configuration: configuration, migrations: migrations, logger: .test)
    }

    /// The migration identifiers recorded in the database, in the order applied.
    static func appliedMigrations(_ database: ServiceDatabase) throws -> [String] {
        try database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
    }

    /// `PRAGMA user_version`.
    static func userVersion(_ database: ServiceDatabase) throws -> Int? {
        try database.reader.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
    }

    /// Runs one read on each of `count` reader connections at the same time.
    ///
    /// Every read waits inside its transaction until all have started, so the pool must hand
    /// out `count` distinct connections. Returns each connection's state by its name.
    static func inspectReaders(
        of database: ServiceDatabase,
        count: Int
    ) throws -> [String: ConnectionState] {
        let rendezvous = Rendezvous(parties: count)
        let states = Locked<[String: ConnectionState]>([:])
        let failures = Locked<[String]>([])
        let threads = (0..<count).map { _ in
            BackgroundThread {
                do {
                    try database.reader.read { db in
                        _ = rendezvous.arriveAndWait(timeout: 20)
                        let state = try ConnectionState(db)
                        states.withLock { $0[db.description] = state }
                    }
                } catch {
                    failures.withLock { $0.append(String(describing: error)) }
                }
            }
        }
        for thread in threads {
            thread.join()
        }
        if let failure = failures.value.first {
            throw InspectionFailure(description: failure)
        }
        return states.value
    }

    /// The state of the writer connection.
    static func inspectWriter(of database: ServiceDatabase) throws -> ConnectionState {
        try database.writer.writeWithoutTransaction { db in try ConnectionState(db) }
    }

    /// Inserts `count` rows into `events`, each in its own transaction.
    static func insertEvents(_ count: Int, into database: ServiceDatabase) throws {
        for _ in 0..<count {
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO events (payload) VALUES (?)", arguments: ["event"])
            }
        }
    }

    /// The number of rows in `events`.
    static func eventCount(_ reader: some DatabaseReader) throws -> Int {
        try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 }
    }
}
