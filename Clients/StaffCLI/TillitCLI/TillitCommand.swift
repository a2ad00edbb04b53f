import ArgumentParser

/// `tillit`: the staff command-line client of Tillit. Each service adds its command group here.
public struct TillitCommand: AsyncParsableCommand {
    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: "tillit",
        abstract: "Staff command-line client of Tillit.",
        discussion: """
            Start with `tillit stack up --demo` (local stack with a demo practice), then \
            `tillit login --org <id> --email <e-mail>`. Every command takes --json and --help.

            Service addresses: --identity-addr, --booking-addr (etc.), else TILLIT_IDENTITY_ADDR, \
            TILLIT_BOOKING_ADDR (etc.), else the local stack (identity 127.0.0.1:7101, booking 7102, notes 7103, supervision 7104). Connections use TLS and trust TILLIT_TLS_CA, else \
            the local stack's CA (<TILLIT_DATA_DIR or ./.tillit-data>/tls/ca.pem); TILLIT_TLS=off for \
            plaintext. The session is kept in \
            $TILLIT_CONFIG_DIR, $XDG_CONFIG_HOME/tillit or ~/.config/tillit (session.json, mode 0600).

            Exit codes:
              0   ok
              64  usage: bad command line
              65  invalid input: the service refused a value (e-mail, time zone, …)
              66  not found
              67  conflict: already exists, or not allowed in the current state
              69  unavailable: a service is down, not serving, or busy (try again later)
              70  internal error (or a broken audit chain)
              77  not logged in, session ended, wrong credentials, or not allowed
            """,
        subcommands: [
            LoginCommand.self, LogoutCommand.self, WhoAmICommand.self, OrgCommand.self, StaffCommand.self,
            ClientCommand.self, ConsentCommand.self, MFACommand.self, PasswordCommand.self, AuditCommand.self,
            SessionsCommand.self, BookingCommand.self, NotesCommand.self, SupervisionCommand.self,
            HealthCommand.self, CallCommand.self,
            StackCommand.self,
            CertsCommand.self,
        ])

    /// Parses arguments from `run()`.
    public init() {}
}
