import ArgumentParser
import Foundation
import Logging
import TillitNotes
import TillitServiceKit

/// `tillit-notes`: runs the Notes service until SIGTERM or SIGINT.
@main
struct TillitNotesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tillit-notes",
        abstract: "Tillit's Notes service: encrypted, signed clinical notes with audited reads.",
        discussion: """
            Configured through the environment: TILLIT_NOTES_ADDR (default 127.0.0.1:7103), \
            TILLIT_IDENTITY_ADDR (default 127.0.0.1:7101: keys, ended sessions, consent, supervisors), \
            TILLIT_BOOKING_ADDR (default 127.0.0.1:7102: care relationships), \
            TILLIT_DATA_DIR (its SQLite file is <dir>/notes.db), TILLIT_LOG_LEVEL, \
            TILLIT_LOG_FORMAT (logfmt or json), TILLIT_SHUTDOWN_GRACE_SECONDS, TILLIT_MAX_FRAME_BYTES, \
            TILLIT_TLS, TILLIT_TLS_CERT, TILLIT_TLS_KEY, TILLIT_TLS_CA, TILLIT_AUDIT_KEYS, \
            TILLIT_AUDIT_KEY_FILE, TILLIT_REVOCATION_POLL_MILLIS; Notes' own: \
            TILLIT_NOTES_KEKS and TILLIT_NOTES_KEK_VERSION (or TILLIT_NOTES_KEK_FILE, default \
            <dir>/notes-kek.key, created on first start), TILLIT_NOTES_PROCESS_KEKS and \
            TILLIT_NOTES_PROCESS_KEK_VERSION (or TILLIT_NOTES_PROCESS_KEK_FILE, default \
            <dir>/notes-process-kek.key), TILLIT_NOTES_DEPENDENCY_TIMEOUT_MILLIS (see docs/notes.md). \
            Stops gracefully on SIGTERM or SIGINT. Exit status: 0 after a clean stop, 78 for a \
            malformed setting, 69 when the address cannot be listened on, 1 for any other failure \
            to start.
            """,
        subcommands: [Serve.self, Backup.self],
        defaultSubcommand: Serve.self)
}

extension TillitNotesCommand {
    /// `tillit-notes serve` (the default): runs the service.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Notes service until SIGTERM or SIGINT (the default).")

        func run() async throws {
            let status = await ServiceExit.serve(.notes) { configuration, logger in
                try NotesServer.makeHost(
                    configuration: configuration,
                    notes: try NotesConfiguration(environment: ProcessInfo.processInfo.environment),
                    logger: logger)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }

    /// `tillit-notes backup <path>`: an online backup with the audit checkpoints beside it.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up notes.db (online) and write each organisation's audit checkpoint beside it.")

        @Argument(help: "Where to write the backup (replaced if it exists).") var path: String

        func run() async throws {
            let status = await ServiceExit.backup(
                .notes, to: path, open: NotesDatabase.open(path:auditKeys:logger:), database: \.database,
                close: { try $0.close() })
            if status != 0 { throw ExitCode(status) }
        }
    }
}
