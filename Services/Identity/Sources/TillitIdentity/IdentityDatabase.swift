import Foundation
import GRDB
import Logging
import TillitServiceKit
import TillitStorage

/// Identity's SQLite database: opened through `ServiceDatabase` (WAL, `synchronous=FULL`
/// verified, foreign keys on) and migrated with `IdentitySchema.migrations`.
public struct IdentityDatabase: Sendable {
    /// The underlying service database.
    public let database: ServiceDatabase

    /// Opens (creating and migrating if needed) the database described by `configuration`;
    /// `auditKeys` seal the audit chain.
    ///
    /// - Throws: `StorageError` (see `ServiceDatabase.open`), e.g. `.newerDatabase` when a newer
    ///   binary has migrated the file.
    public static func open(configuration: DatabaseConfiguration, auditKeys: AuditKeys, logger: Logger) throws
        -> IdentityDatabase
    {
        let database = try ServiceDatabase.open(
            configuration: configuration, migrations: IdentitySchema.migrations(auditKeys: auditKeys),
            logger: logger)
        return IdentityDatabase(database: database)
    }

    /// Opens (creating and migrating if needed) the database file at `path` with the storage
    /// kit's defaults.
    public static func open(path: String, auditKeys: AuditKeys, logger: Logger) throws -> IdentityDatabase {
        try open(configuration: DatabaseConfiguration(path: path), auditKeys: auditKeys, logger: logger)
    }

    /// The writer connection (one write transaction at a time, `BEGIN IMMEDIATE`).
    public var writer: some DatabaseWriter {
        database.writer
    }

    /// The reader pool (snapshot reads beside the writer).
    public var reader: some DatabaseReader {
        database.reader
    }

    /// Closes every connection; the value must not be used afterwards.
    ///
    /// - Throws: `StorageError` with `.closeFailed`.
    public func close() throws {
        try database.close()
    }
}
