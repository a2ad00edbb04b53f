/// Carries the identifier of the migration that threw, out of GRDB's migrator.
struct FailedMigration: Error {
    /// The identifier of the migration that failed.
    let identifier: String
    /// What the migration (or SQLite) threw.
    let underlying: any Error
}
