import Foundation
import Logging
import TillitServiceKit
import TillitStorage

/// Assembles the Identity process: data directory, database and `ServiceHost`.
///
/// For now the host serves only Health: no Identity method is registered yet, so running without
/// a token verifier exposes nothing. Before the first data method is added, the host must get a
/// verifier (Identity verifies its own tokens with its own keys) and the public methods
/// (Bootstrap, Login, LoginService, Refresh, Logout, GetSigningKeys) must be named in `publicMethods`.
public enum IdentityServer {
    /// Creates the data directory (owner-only) if needed, opens and migrates the database and
    /// builds the host; the database is closed after the server has stopped.
    ///
    /// - Throws: `CocoaError` when the data directory cannot be created, `StorageError` when
    ///   the database cannot be opened or migrated.
    public static func makeHost(configuration: ServiceConfiguration, logger: Logger) throws -> ServiceHost {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let database = try IdentityDatabase.open(path: configuration.databasePath, logger: logger)
        return ServiceHost(
            configuration: configuration,
            services: [],
            verifier: nil,
            companions: [DatabaseCloser(database: database, logger: logger)],
            logger: logger)
    }
}
