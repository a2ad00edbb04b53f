import Foundation
import GRDB
import Logging
import TillitServiceKit
import TillitStorage

/// Booking's SQLite database: a `ServiceDatabase` (WAL, `synchronous=FULL` verified, foreign
/// keys on) migrated with `BookingSchema.migrations`, and the group-commit writer bookings go
/// through (many concurrent bookings, one fsync).
public struct BookingDatabase: Sendable {
    /// The underlying service database.
    public let database: ServiceDatabase
    /// Writes that are committed together with the other writes waiting at the same time.
    public let groupCommit: GroupCommitWriter

    /// Opens (creating and migrating if needed) the database described by `configuration`;
    /// `auditKeys` seal the audit chain.
    ///
    /// - Throws: `StorageError` (see `ServiceDatabase.open`), e.g. `.newerDatabase` when a newer
    ///   binary has migrated the file.
    public static func open(configuration: DatabaseConfiguration, auditKeys: AuditKeys, logger: Logger) throws
        -> BookingDatabase
    {
        let database = try ServiceDatabase.open(
            configuration: configuration, migrations: BookingSchema.migrations(auditKeys: auditKeys),
            logger: logger)
        return BookingDatabase(database: database, groupCommit: GroupCommitWriter(writer: database.writer))
    }

    /// Opens the database file at `path` with the storage kit's defaults.
    public static func open(path: String, auditKeys: AuditKeys, logger: Logger) throws -> BookingDatabase {
        try open(configuration: DatabaseConfiguration(path: path), auditKeys: auditKeys, logger: logger)
    }

    /// Closes every connection; the value must not be used afterwards.
    ///
    /// - Throws: `StorageError` with `.closeFailed`.
    public func close() throws {
        try database.close()
    }
}
