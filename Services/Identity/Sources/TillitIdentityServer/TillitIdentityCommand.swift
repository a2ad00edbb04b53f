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
            Stops gracefully on SIGTERM or SIGINT. Exit status: 0 after a clean stop, 78 for a \
            malformed setting, 69 when the address cannot be listened on ("cannot listen on \
            127.0.0.1:7101: address in use"), 1 for any other failure to start.
            """,
        subcommands: [Serve.self, Backup.self],
        defaultSubcommand: Serve.self)
}

extension TillitIdentityCommand {
    /// `tillit-identity serve` (the default): runs the service.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Identity service until SIGTERM or SIGINT (the default).")

        func run() async throws {
            let status = await ServiceExit.serve(.identity) { configuration, logger in
                try IdentityServer.makeHost(
                    configuration: configuration,
                    identity: try IdentityConfiguration(environment: ProcessInfo.processInfo.environment),
                    logger: logger)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }

    /// `tillit-identity backup <path>`: an online backup of the database with its audit
    /// checkpoints beside it, while the service keeps running.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Back up identity.db (online) and write each organisation's audit checkpoint beside it.",
            discussion: """
                Same environment as the service (TILLIT_DATA_DIR, the audit keys). Writes <path> and \
                <path>.audit-<organisation>.checkpoint; keep them together, away from this host.
                Example:
                  tillit-identity backup /backups/identity-2026-12-02.db
                """)

        @Argument(help: "Where to write the backup (replaced if it exists).") var path: String

        func run() async throws {
            let status = await ServiceExit.backup(
                .identity, to: path, open: IdentityDatabase.open(path:auditKeys:logger:),
                database: \.database,
                close: { try $0.close() })
            if status != 0 { throw ExitCode(status) }
        }
    }
}
