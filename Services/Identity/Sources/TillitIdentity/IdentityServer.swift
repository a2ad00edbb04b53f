import Crypto
import Foundation
import Logging
import TillitServiceKit
import TillitStorage

/// Assembles the Identity process: data directory, database, signing keys, password hasher,
/// token verifier and the `ServiceHost` serving Identity and Health.
///
/// Every Identity method needs a valid access token except Bootstrap, Login, LoginService,
/// Refresh, Logout and GetSigningKeys. Identity verifies tokens with its own published keys,
/// through the same `AccessTokenVerifier` every other service uses.
public enum IdentityServer {
    /// Creates the data directory (owner-only) if needed, opens and migrates the database, loads
    /// or creates the signing key and the TOTP key, and builds the host. The database is closed
    /// and the hashing threads stopped after the server has stopped.
    ///
    /// - Parameters:
    ///   - identity: Identity's own settings (default: read from the environment).
    ///   - now: the clock (tests move it).
    /// - Throws: `CocoaError` when the data directory cannot be created, `StorageError` when
    ///   the database cannot be opened or migrated, `IdentityError` for key files.
    public static func makeHost(
        configuration: ServiceConfiguration, identity: IdentityConfiguration? = nil, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> ServiceHost {
        let identity = try identity ?? IdentityConfiguration(environment: ProcessInfo.processInfo.environment)
        // No handler blocks a thread: scrypt runs on the hasher's own threads, SQLite behind GRDB's
        // async API. So handlers start on the connection's event loop (fewer thread hops).
        var configuration = configuration
        configuration.handlersOnEventLoop = true
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let database = try IdentityDatabase.open(path: configuration.databasePath, logger: logger)
        let keys = try SigningKeyRing(
            database: database, dataDirectory: configuration.dataDirectory,
            rotation: identity.signingKeyRotation,
            tokenLifetime: identity.accessTokenLifetime, now: now)
        let hasher = PasswordHasher(
            parameters: identity.passwordParameters, maxConcurrent: identity.maxConcurrentHashes,
            maxQueued: identity.maxQueuedHashes)
        let handler = IdentityHandler(
            store: IdentityStore(database: database, now: now), configuration: identity, hasher: hasher,
            issuer: TokenIssuer(keys: keys, lifetime: identity.accessTokenLifetime, now: now), keys: keys,
            secrets: try totpSecretBox(identity, dataDirectory: configuration.dataDirectory))
        let verifier = AccessTokenVerifier(
            source: ClosureSigningKeySource { keys.publishedKeys().map(\.verification) }, now: now)
        return ServiceHost(
            configuration: configuration,
            services: [handler],
            verifier: verifier,
            publicMethods: IdentityHandler.publicMethods,
            companions: [DatabaseCloser(database: database, hasher: hasher, logger: logger)],
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
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else {
                throw IdentityError(.internalError, "\(path) is not a 32-byte key")
            }
            return try SecretBox(keys: [1: SymmetricKey(data: data)], currentVersion: 1)
        }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard
            FileManager.default.createFile(
                atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw IdentityError(.internalError, "cannot create \(path)") }
        return try SecretBox(keys: [1: key], currentVersion: 1)
    }
}
