/// An error from opening, migrating, backing up or checking a service database.
///
/// `message` is meant for callers and logs and never contains SQL text or row data;
/// `cause`, when present, is the underlying error (often a GRDB `DatabaseError`, which may).
public struct StorageError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, for programmatic handling.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A configuration or migration list value cannot work (e.g. zero readers).
        case invalidConfiguration
        /// SQLite could not open or set up the database file.
        case openFailed
        /// The database was migrated by a newer binary; it is left untouched.
        case newerDatabase
        /// A read-only open found migrations the database has not applied yet.
        case pendingMigrations
        /// A migration failed; the database stays at its last completed migration.
        case migrationFailed
        /// Copying the database to a backup file failed.
        case backupFailed
        /// Copying a backup file over a database failed.
        case restoreFailed
        /// `PRAGMA integrity_check` found problems or could not run.
        case integrityCheckFailed
        /// Closing the database failed.
        case closeFailed
        /// A stored value is not what the schema promises (e.g. NULL in a required column).
        case corruptValue
    }

    /// What went wrong, for programmatic handling.
    public var code: Code
    /// A human-readable explanation without SQL text or row data.
    public var message: String
    /// The underlying error, if any; may contain SQL text.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message alone, safe to show to callers.
    public var description: String {
        message
    }

    /// The code, message and cause, for engineers' logs.
    public var debugDescription: String {
        var text = "StorageError(\(code.rawValue)): \(message)"
        if let cause {
            text += " [cause: \(String(reflecting: cause))]"
        }
        return text
    }
}
