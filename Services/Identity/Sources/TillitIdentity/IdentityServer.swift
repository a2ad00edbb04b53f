import Crypto
import Foundation
import Logging
import TillitContracts
import TillitServiceKit
import TillitStorage

/// Assembles the Identity process: data directory, database, signing keys, password hasher,
/// token verifier and the `ServiceHost` serving Identity and Health.
///
/// Every call passes `IdentityAccessPolicy` (the methods marked `@public` in identity.proto need
/// no token). Identity verifies tokens with its own published keys, through the same
/// `AccessTokenVerifier` every other service uses.
public enum IdentityServer {
    /// Creates the data directory (owner-only) if needed, opens and migrates the database, loads
    /// or creates the signing key and the TOTP key, and builds the host. The database is closed
    /// and the hashing threads stopped after the server has stopped.
    ///
    /// - Parameters:
    ///   - identity: Identity's own settings (default: read from the environment).
    ///   - now: the clock (tests move it).
    /// - Throws: `KeyFile.Failure` when the data directory or a key file cannot be used,
    ///   `StorageError` when the database cannot be opened or migrated, `ServiceError` when the
    ///   access policy disagrees with the proto.
    public static func makeHost(
        configuration: ServiceConfiguration, identity: IdentityConfiguration? = nil, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> ServiceHost {
        let identity = try identity ?? IdentityConfiguration(environment: ProcessInfo.processInfo.environment)
        // No handler blocks a thread: scrypt runs on the hasher's own threads, SQLite behind GRDB's
        // async API. So handlers start on the connection's event loop (fewer thread hops).
        var configuration = configuration
        configuration.handlersOnEventLoop = true
        try IdentityAccessPolicy.policy.check(
            methods: Tillit_Identity_V1_Identity.Method.all,
            publicPaths: Tillit_Identity_V1_Identity.Method.publicPaths)
        try DataDirectory.prepare(configuration.dataDirectory)
        let auditKeys = try AuditKeys.load(configuration)
        let database = try IdentityDatabase.open(
            path: configuration.databasePath, auditKeys: auditKeys, logger: logger)
        let keys = try SigningKeyRing(
            database: database, dataDirectory: configuration.dataDirectory,
            rotation: identity.signingKeyRotation,
            tokenLifetime: identity.accessTokenLifetime, now: now)
        let hasher = PasswordHasher(
            parameters: identity.passwordParameters, maxConcurrent: identity.maxConcurrentHashes,
            maxQueued: identity.maxQueuedHashes)
        // Identity's own verifier refuses an ended session as soon as its revocation commits.
        let revokedSessions = RevokedSessions()
        let store = IdentityStore(
            database: database, audit: AuditTrail(keys: auditKeys), now: now, revokedSessions: revokedSessions)
        try store.loadRevokedSessions()
        let handler = IdentityHandler(
            store: store, configuration: identity, hasher: hasher,
            issuer: TokenIssuer(keys: keys, lifetime: identity.accessTokenLifetime, now: now), keys: keys,
            secrets: try totpSecretBox(identity, dataDirectory: configuration.dataDirectory))
        let verifier = AccessTokenVerifier(
            source: ClosureSigningKeySource { keys.publishedKeys().map(\.verification) },
            revokedSessions: revokedSessions, now: now)
        return try ServiceHost(
            configuration: configuration,
            services: [handler],
            verifier: verifier,
            policy: IdentityAccessPolicy.policy,
            companions: [
                ServiceHost.onShutdown {
                    // After the server: no call is still using the hasher or the database.
                    do {
                        try await hasher.shutdown()
                    } catch {
                        logger.warning("could not stop the hashing threads", metadata: ["error": "\(error)"])
                    }
                    try database.close()
                }
            ],
            logger: logger)
    }

    /// The TOTP key-encryption keys: from the configuration, or else a key file
    /// `<data>/identity-totp.key` (version 1, owner-only) created on first start.
    static func totpSecretBox(_ identity: IdentityConfiguration, dataDirectory: String) throws -> SecretBox {
        if !identity.totpKeys.isEmpty {
            let keys = identity.totpKeys.mapValues { SymmetricKey(data: $0) }
            return try SecretBox(keys: keys, currentVersion: identity.totpKeyVersion ?? keys.keys.max() ?? 1)
        }
        let path = (dataDirectory as NSString).appendingPathComponent("identity-totp.key")
        let data = try KeyFile.loadOrCreate(path, length: 32) {
            SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        }
        return try SecretBox(keys: [1: SymmetricKey(data: data)], currentVersion: 1)
    }
}
