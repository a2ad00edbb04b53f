import Logging
import ServiceLifecycle

/// A companion service for `ServiceHost`: waits for graceful shutdown and then closes the
/// database. `ServiceHost` stops companions after the RPC server, so no call is still using it.
public struct DatabaseCloser: Service {
    private let database: IdentityDatabase
    private let logger: Logger

    /// A closer of `database`.
    public init(database: IdentityDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Waits for graceful shutdown (or cancellation), then closes the database.
    public func run() async throws {
        try? await gracefulShutdown()
        do {
            try database.close()
        } catch {
            logger.error("could not close the database", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
