import Foundation
import Logging
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitStorage

/// Assembles the Supervision process: data directory, database, the verifier trusting
/// Identity's keys and ended sessions, the clients of Identity, Booking and Notes (relaying the
/// caller's token over mutual TLS) and the `ServiceHost` serving Supervision and Health.
public enum SupervisionServer {
    /// Creates the data directory if needed, opens and migrates the database and builds the
    /// host; the database is closed and the clients shut after the server stopped.
    ///
    /// - Parameters:
    ///   - supervision: Supervision's own settings (default: read from the environment).
    ///   - now: the service's clock (tests move it).
    ///   - tokenClock: the clock tokens are checked against (default `now`).
    /// - Throws: `ConfigurationError`, `StorageError`, or `ServiceError` when the access policy
    ///   disagrees with the proto.
    public static func makeHost(
        configuration: ServiceConfiguration, supervision: SupervisionConfiguration? = nil, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }, tokenClock: (@Sendable () -> Date)? = nil
    ) throws -> ServiceHost {
        let supervision =
            try supervision ?? SupervisionConfiguration(environment: ProcessInfo.processInfo.environment)
        // No handler blocks a thread: SQLite runs behind GRDB's async API, the others over RPC.
        var configuration = configuration
        configuration.handlersOnEventLoop = true
        try SupervisionAccessPolicy.policy.check(
            methods: Tillit_Supervision_V1_Supervision.Method.all,
            publicPaths: Tillit_Supervision_V1_Supervision.Method.publicPaths)
        try DataDirectory.prepare(configuration.dataDirectory)
        let auditKeys = try AuditKeys.load(configuration)
        let database = try SupervisionDatabase.open(
            path: configuration.databasePath, auditKeys: auditKeys, logger: logger)
        let (verifier, revocations, identity) = try AccessTokenVerifier.trustingIdentity(
            configuration: configuration, logger: logger, now: tokenClock ?? now)
        let booking = try configuration.makePeerClient(.booking)
        let notes = try configuration.makePeerClient(.notes)
        let handler = SupervisionHandler(
            store: SupervisionStore(database: database, audit: AuditTrail(keys: auditKeys), now: now),
            dependencies: SupervisionDependencies(
                identity: identity, booking: booking, notes: notes, timeout: supervision.dependencyTimeout),
            zones: PracticeZones(lifetime: supervision.zoneCacheTime), configuration: supervision)
        return try ServiceHost(
            configuration: configuration,
            services: [handler],
            verifier: verifier,
            policy: SupervisionAccessPolicy.policy,
            revocations: revocations,
            companions: [
                ServiceHost.onShutdown {
                    booking.close()
                    notes.close()
                    identity.close()
                    try database.close()
                }
            ],
            logger: logger)
    }
}
