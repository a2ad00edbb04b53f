import ArgumentParser
import Foundation
import Logging
import TillitIdentity
import TillitServiceKit

/// `tillit-identity`: runs the Identity service until SIGTERM or SIGINT.
@main
struct TillitIdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tillit-identity",
        abstract: "Tillit's Identity service: organisations, accounts, login, tokens, consent.",
        discussion: """
            Configured through the environment: TILLIT_IDENTITY_ADDR (default 127.0.0.1:7101), \
            TILLIT_DATA_DIR (its SQLite file is <dir>/identity.db), TILLIT_LOG_LEVEL, \
            TILLIT_LOG_FORMAT (logfmt or json), TILLIT_SHUTDOWN_GRACE_SECONDS, \
            TILLIT_MAX_FRAME_BYTES; Identity's own: TILLIT_IDENTITY_BOOTSTRAP_SECRET, \
            TILLIT_IDENTITY_ACCESS_TOKEN_SECONDS (≤ 900), TILLIT_IDENTITY_REFRESH_TOKEN_DAYS, \
            TILLIT_IDENTITY_KEY_ROTATION_DAYS, TILLIT_IDENTITY_MAX_CONCURRENT_HASHES, TILLIT_IDENTITY_SCRYPT_LOG2_N, \
            TILLIT_IDENTITY_TOTP_KEYS, TILLIT_IDENTITY_TOTP_KEY_VERSION (see docs/identity.md). \
            Stops gracefully on SIGTERM or SIGINT.
            """)

    func run() async throws {
        let configuration: ServiceConfiguration
        let identity: IdentityConfiguration
        do {
            configuration = try ServiceConfiguration(service: .identity)
            identity = try IdentityConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("tillit-identity: configuration error: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        TillitLogging.bootstrap(configuration)
        let logger = Logger(label: "tillit.identity")
        let host: ServiceHost
        do {
            host = try IdentityServer.makeHost(
                configuration: configuration, identity: identity, logger: logger)
        } catch {
            logger.critical("could not start", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("tillit-identity: could not start: \(error)\n".utf8))
            throw ExitCode.failure
        }
        logger.info(
            "starting",
            metadata: ["address": "\(configuration.listenAddress.host):\(configuration.listenAddress.port)"])
        try await host.run()
    }
}
