import Foundation
import GRDB
import Logging
import TillitServiceKit
import TillitStorage

/// Supervision's SQLite database: a `ServiceDatabase` (WAL, `synchronous=FULL` verified, foreign keys
/// on) migrated with `SupervisionSchema.migrations`, and the group-commit writer every audited read
/// and write goes through (many concurrent calls, one fsync).
public struct SupervisionDatabase: Sendable {
    /// The underlying service database.
    public let database: ServiceDatabase
    /// Writes committed together with the other writes waiting at the same time.
    public let groupCommit: GroupCommitWriter

    /// Opens (creating and migrating if needed) the database described by `configuration`;
    /// `auditKeys` seal the audit chain.
    ///
    /// - Throws: `StorageError` (see `ServiceDatabase.open`).
    public static func open(configuration: DatabaseConfiguration, auditKeys: AuditKeys, logger: Logger) throws
        -> SupervisionDatabase
    {
        let database = try ServiceDatabase.open(
            configuration: configuration, migrations: SupervisionSchema.migrations(auditKeys: auditKeys),
            logger: logger)
        return SupervisionDatabase(database: database, groupCommit: GroupCommitWriter(writer: database.writer))
    }

    /// Opens the database file at `path` with the storage kit's defaults.
    public static func open(path: String, auditKeys: AuditKeys, logger: Logger) throws -> SupervisionDatabase {
        try open(configuration: DatabaseConfiguration(path: path), auditKeys: auditKeys, logger: logger)
    }

    /// Closes every connection; the value must not be used afterwards.
    ///
    /// - Throws: `StorageError` with `.closeFailed`.
    public func close() throws {
        try database.close()
    }
}
