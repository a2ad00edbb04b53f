import GRDB

/// The ordered, named schema migrations of one service's database.
///
/// Migrations run in the order given, each in its own transaction, and each only once per
/// database. Never rename, reorder or edit a migration that has shipped; append a new one.
public struct Migrations: Sendable {
    /// One named schema step.
    public struct Migration: Sendable {
        /// The name recorded in the database once the migration has run; unique in the list.
        public let identifier: String
        /// The schema change; it runs inside a transaction with foreign key checks deferred.
        public let migrate: @Sendable (Database) throws -> Void

        /// Creates a migration.
        public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
            self.identifier = identifier
            self.migrate = migrate
        }
    }

    /// The migrations, in the order they run.
    public private(set) var all: [Migration]

    /// Creates a list from migrations in the order they run.
    public init(_ migrations: [Migration] = []) {
        self.all = migrations
    }

    /// Appends a migration that runs after those already registered.
    public mutating func register(
        _ identifier: String,
        migrate: @escaping @Sendable (Database) throws -> Void
    ) {
        all.append(Migration(identifier, migrate: migrate))
    }

    /// The migration identifiers, in the order they run.
    public var identifiers: [String] {
        all.map(\.identifier)
    }

    /// Throws `.invalidConfiguration` for empty or duplicate identifiers (GRDB would trap).
    func validate() throws {
        var seen: Set<String> = []
        for identifier in identifiers {
            if identifier.isEmpty {
                throw StorageError(
                    code: .invalidConfiguration, message: "a migration has an empty identifier")
            }
            if !seen.insert(identifier).inserted {
                throw StorageError(
                    code: .invalidConfiguration,
                    message: "migration identifier '\(identifier)' is registered twice")
            }
        }
    }

    /// A GRDB migrator running these migrations; a failure is wrapped to name its migration.
    func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            let identifier = migration.identifier
            let migrate = migration.migrate
            migrator.registerMigration(identifier) { db in
                do {
                    try migrate(db)
                } catch {
                    throw FailedMigration(identifier: identifier, underlying: error)
                }
            }
        }
        return migrator
    }
}
