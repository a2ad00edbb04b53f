import ArgumentParser
import Foundation
import Logging
import TillitServiceKit
import TillitSupervision

/// `tillit-supervision`: runs the Supervision service until SIGTERM or SIGINT.
@main
struct TillitSupervisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tillit-supervision",
        abstract:
            "Tillit's Supervision service: relationships, the co-signature queue, hours, consultations, incidents.",
        discussion: """
            Configured through the environment: TILLIT_SUPERVISION_ADDR (default 127.0.0.1:7104), \
            TILLIT_IDENTITY_ADDR (default 127.0.0.1:7101: keys, ended sessions, accounts, consent, the \
            practice's zone), TILLIT_BOOKING_ADDR (default 127.0.0.1:7102: direct-contact hours, the \
            contact window), TILLIT_NOTES_ADDR (default 127.0.0.1:7103: the co-signature queue), \
            TILLIT_DATA_DIR (its SQLite file is <dir>/supervision.db), TILLIT_LOG_LEVEL, \
            TILLIT_LOG_FORMAT (logfmt or json), TILLIT_SHUTDOWN_GRACE_SECONDS, TILLIT_MAX_FRAME_BYTES, \
            TILLIT_TLS, TILLIT_TLS_CERT, TILLIT_TLS_KEY, TILLIT_TLS_CA, TILLIT_AUDIT_KEYS, \
            TILLIT_AUDIT_KEY_FILE, TILLIT_REVOCATION_POLL_MILLIS; Supervision's own: \
            TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS, TILLIT_SUPERVISION_ZONE_CACHE_SECONDS (see \
            docs/supervision.md). Stops gracefully on SIGTERM or SIGINT. Exit status: 0 after a clean \
            stop, 78 for a malformed setting, 69 when the address cannot be listened on, 1 for any \
            other failure to start.
            """,
        subcommands: [Serve.self, Backup.self],
        defaultSubcommand: Serve.self)
}

extension TillitSupervisionCommand {
    /// `tillit-supervision serve` (the default): runs the service.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Supervision service until SIGTERM or SIGINT (the default).")

        func run() async throws {
            let status = await ServiceExit.serve(.supervision) { configuration, logger in
                try SupervisionServer.makeHost(
                    configuration: configuration,
                    supervision: try SupervisionConfiguration(
                        environment: ProcessInfo.processInfo.environment), logger: logger)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }

    /// `tillit-supervision backup <path>`: an online backup with the audit checkpoints beside it.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Back up supervision.db (online) and write each organisation's audit checkpoint beside it.")

        @Argument(help: "Where to write the backup (replaced if it exists).") var path: String

        func run() async throws {
            let status = await ServiceExit.backup(
                .supervision, to: path, open: SupervisionDatabase.open(path:auditKeys:logger:),
                database: \.database,
                close: { try $0.close() })
            if status != 0 { throw ExitCode(status) }
        }
    }
}
