import GRDB

/// The per-connection settings a test inspects.
struct ConnectionState: Sendable, Equatable {
    var synchronous: Int?
    var journalMode: String?
    var foreignKeys: Int?
    var busyTimeoutMilliseconds: Int?

    init(_ db: Database) throws {
        synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous")
        journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode")
        foreignKeys = try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
        busyTimeoutMilliseconds = try Int.fetchOne(db, sql: "PRAGMA busy_timeout")
    }
}
