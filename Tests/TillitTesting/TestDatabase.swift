import Foundation
import Logging
import TillitStorage

/// Runs `body` with a real SQLite file in a fresh directory, opened and migrated with
/// `migrations` through `ServiceDatabase` (WAL, `synchronous=FULL`), closed and removed after.
public func withTestDatabase<Result>(
    migrations: Migrations, _ body: (ServiceDatabase) async throws -> Result
) async throws -> Result {
    try await withTemporaryDirectory { directory in
        let database = try ServiceDatabase.open(
            configuration: DatabaseConfiguration(path: directory.appendingPathComponent("test.db").path),
            migrations: migrations, logger: Logger(label: "tillit.test.database"))
        defer { try? database.close() }
        return try await body(database)
    }
}
