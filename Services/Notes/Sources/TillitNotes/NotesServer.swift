import Foundation
import Logging
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitStorage

/// Assembles the Notes process: data directory, key-encryption keys, database, the verifier
/// trusting Identity's keys and ended sessions, the clients of Booking and Identity (relaying
/// the caller's token over mutual TLS) and the `ServiceHost` serving Notes and Health.
public enum NotesServer {
    /// Creates the data directory if needed, loads (or on first start creates) the keys, opens
    /// and migrates the database and builds the host; the database is closed and the clients
    /// shut after the server stopped.
    ///
    /// - Parameters:
    ///   - notes: Notes' own settings (default: read from the environment).
    ///   - keys: the key-encryption keys (default: `NoteKeyRing.load`).
    ///   - now: the clock of notes (tests move it).
    ///   - tokenClock: the clock tokens are checked against (default `now`).
    /// - Throws: `ConfigurationError`, `KeyFile.Failure`, `StorageError`, or `ServiceError` when
    ///   the access policy disagrees with the proto.
    public static func makeHost(
        configuration: ServiceConfiguration, notes: NotesConfiguration? = nil, keys: NoteKeyRing? = nil,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        tokenClock: (@Sendable () -> Date)? = nil
    ) throws -> ServiceHost {
        let notes = try notes ?? NotesConfiguration(environment: ProcessInfo.processInfo.environment)
        // No handler blocks a thread: SQLite runs behind GRDB's async API, the others over RPC.
        var configuration = configuration
        configuration.handlersOnEventLoop = true
        try NotesAccessPolicy.policy.check(
            methods: Tillit_Notes_V1_Notes.Method.all, publicPaths: Tillit_Notes_V1_Notes.Method.publicPaths)
        try DataDirectory.prepare(configuration.dataDirectory)
        let keys = try keys ?? NoteKeyRing.load(notes, dataDirectory: configuration.dataDirectory)
        let auditKeys = try AuditKeys.load(configuration)
        let database = try NotesDatabase.open(
            path: configuration.databasePath, auditKeys: auditKeys, logger: logger)
        let (verifier, revocations, identity) = try AccessTokenVerifier.trustingIdentity(
            configuration: configuration, logger: logger, now: tokenClock ?? now)
        let booking = try configuration.makePeerClient(.booking)
        let store = NotesStore(database: database, audit: AuditTrail(keys: auditKeys), now: now)
        let handler = NotesHandler(
            store: store,
            dependencies: NotesDependencies(
                booking: booking, identity: identity, timeout: notes.dependencyTimeout),
            cipher: NoteCipher(keys: keys), configuration: notes)
        return try ServiceHost(
            configuration: configuration,
            services: [handler],
            verifier: verifier,
            policy: NotesAccessPolicy.policy,
            revocations: revocations,
            companions: [
                ServiceHost.onShutdown {
                    booking.close()
                    identity.close()
                    try database.close()
                }
            ],
            logger: logger)
    }
}
