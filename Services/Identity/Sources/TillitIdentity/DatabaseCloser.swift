import Logging
import ServiceLifecycle

/// A companion service for `ServiceHost`: waits for graceful shutdown, then stops the password
/// hashing threads and closes the database. `ServiceHost` stops companions after the RPC server,
/// so no call is still using them.
public struct DatabaseCloser: Service {
    private let database: IdentityDatabase
    private let hasher: PasswordHasher?
    private let logger: Logger

    /// A closer of `database` (and `hasher`).
    public init(database: IdentityDatabase, hasher: PasswordHasher? = nil, logger: Logger) {
        self.database = database
        self.hasher = hasher
        self.logger = logger
    }

    /// Waits for graceful shutdown (or cancellation), then releases everything.
    public func run() async throws {
        try? await gracefulShutdown()
        if let hasher {
            do {
                try await hasher.shutdown()
            } catch {
                logger.warning("could not stop the hashing threads", metadata: ["error": "\(error)"])
            }
        }
        do {
            try database.close()
        } catch {
            logger.error("could not close the database", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
