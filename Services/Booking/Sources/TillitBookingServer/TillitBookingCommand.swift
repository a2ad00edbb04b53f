import ArgumentParser
import Foundation
import Logging
import TillitBooking
import TillitServiceKit

/// `tillit-booking`: runs the Booking service until SIGTERM or SIGINT.
@main
struct TillitBookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tillit-booking",
        abstract: "Tillit's Booking service: session types, availability, slots, appointments.",
        discussion: """
            Configured through the environment: TILLIT_BOOKING_ADDR (default 127.0.0.1:7102), \
            TILLIT_IDENTITY_ADDR (default 127.0.0.1:7101: keys, ended sessions and account checks), \
            TILLIT_DATA_DIR (its SQLite file is <dir>/booking.db), TILLIT_LOG_LEVEL, \
            TILLIT_LOG_FORMAT (logfmt or json), TILLIT_SHUTDOWN_GRACE_SECONDS, TILLIT_MAX_FRAME_BYTES, \
            TILLIT_TLS, TILLIT_TLS_CERT, TILLIT_TLS_KEY, TILLIT_TLS_CA, TILLIT_AUDIT_KEYS, \
            TILLIT_AUDIT_KEY_FILE, TILLIT_REVOCATION_POLL_MILLIS; Booking's own: \
            TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS, TILLIT_BOOKING_HOUSEKEEPING_SECONDS, \
            TILLIT_BOOKING_WAITLIST_OFFER_MINUTES (see docs/booking.md). \
            Stops gracefully on SIGTERM or SIGINT. Exit status: 0 after a clean stop, 78 for a \
            malformed setting, 69 when the address cannot be listened on, 1 for any other failure \
            to start.
            """,
        subcommands: [Serve.self, Backup.self],
        defaultSubcommand: Serve.self)
}

extension TillitBookingCommand {
    /// `tillit-booking serve` (the default): runs the service.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Booking service until SIGTERM or SIGINT (the default).")

        func run() async throws {
            let status = await ServiceExit.serve(.booking) { configuration, logger in
                try BookingServer.makeHost(
                    configuration: configuration,
                    booking: try BookingConfiguration(environment: ProcessInfo.processInfo.environment),
                    logger: logger)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }

    /// `tillit-booking backup <path>`: an online backup with the audit checkpoints beside it.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up booking.db (online) and write each organisation's audit checkpoint beside it.")

        @Argument(help: "Where to write the backup (replaced if it exists).") var path: String

        func run() async throws {
            let status = await ServiceExit.backup(
                .booking, to: path, open: BookingDatabase.open(path:auditKeys:logger:), database: \.database,
                close: { try $0.close() })
            if status != 0 { throw ExitCode(status) }
        }
    }
}
