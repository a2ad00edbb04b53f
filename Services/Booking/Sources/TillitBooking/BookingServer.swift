import Foundation
import Logging
import TillitContracts
import TillitServiceKit
import TillitStorage

/// Assembles the Booking process: data directory, database, the verifier trusting Identity's
/// keys and ended sessions, the Identity directory (Booking → Identity, relaying the caller's
/// token over mutual TLS) and the `ServiceHost` serving Booking and Health.
public enum BookingServer {
    /// Creates the data directory if needed, opens and migrates the database and builds the
    /// host; the database is closed and the Identity client shut after the server stopped.
    ///
    /// - Parameters:
    ///   - booking: Booking's own settings (default: read from the environment).
    ///   - now: the clock of bookings, cancellation windows and check-ins (tests move it).
    ///   - tokenClock: the clock tokens are checked against (default `now`; tests keep it with
    ///     Identity's while they move `now` by weeks).
    /// - Throws: `ConfigurationError`, `KeyFile.Failure`, `StorageError`, or `ServiceError` when
    ///   the access policy disagrees with the proto.
    public static func makeHost(
        configuration: ServiceConfiguration, booking: BookingConfiguration? = nil, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }, tokenClock: (@Sendable () -> Date)? = nil
    ) throws -> ServiceHost {
        let booking = try booking ?? BookingConfiguration(environment: ProcessInfo.processInfo.environment)
        // No handler blocks a thread: SQLite runs behind GRDB's async API, Identity over RPC.
        var configuration = configuration
        configuration.handlersOnEventLoop = true
        try BookingAccessPolicy.policy.check(
            methods: Tillit_Booking_V1_Booking.Method.all,
            publicPaths: Tillit_Booking_V1_Booking.Method.publicPaths)
        try DataDirectory.prepare(configuration.dataDirectory)
        let auditKeys = try AuditKeys.load(configuration)
        let database = try BookingDatabase.open(
            path: configuration.databasePath, auditKeys: auditKeys, logger: logger)
        let (verifier, revocations, identity) = try AccessTokenVerifier.trustingIdentity(
            configuration: configuration, logger: logger, now: tokenClock ?? now)
        var store = BookingStore(database: database, audit: AuditTrail(keys: auditKeys), now: now)
        store.waitlistOfferMillis = Int64(booking.waitlistOfferDuration.components.seconds) * 1000
        let handler = BookingHandler(
            store: store, directory: IdentityDirectory(client: identity, timeout: booking.identityTimeout),
            configuration: booking)
        return try ServiceHost(
            configuration: configuration,
            services: [handler],
            verifier: verifier,
            policy: BookingAccessPolicy.policy,
            revocations: revocations,
            // Shut down in reverse order: housekeeping first, then the database.
            companions: [
                ServiceHost.onShutdown {
                    identity.close()
                    try database.close()
                },
                BookingHousekeeping(store: store, interval: booking.housekeepingInterval, logger: logger),
            ],
            logger: logger)
    }
}
