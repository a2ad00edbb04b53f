import ArgumentParser
import Foundation
import TillitContracts

/// `tillit client`: client accounts.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Add, list and deactivate client accounts.",
        discussion: """
            Example:
              tillit client list
            """,
        subcommands: [ClientAddCommand.self, ClientListCommand.self, ClientDeactivateCommand.self])
}

/// `tillit client add`.
struct ClientAddCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a client account (admin, scheduler, practitioner).",
        discussion: """
            Without --with-password the client cannot sign in until an admin sets one \
            (`tillit password set`).

            Example:
              tillit client add --email eva@example.net --name "Eva Nyström" --language sv \\
                --time-zone Europe/Helsinki
            """)

    @Option(help: "E-mail.") var email: String
    @Option(help: "Display name.") var name: String
    @Option(help: "The client's IANA time zone (default: the practice's).") var timeZone = ""
    @Option(help: "A preferred language tag, e.g. fi (repeatable).") var language: [String] = []
    @Flag(help: "Also set an initial password (asked for, or --password-stdin).") var withPassword = false
    @OptionGroup var password: PasswordOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_CreateClientAccountRequest()
            request.email = email
            request.displayName = name
            request.profile.timeZone = timeZone
            request.profile.languages = language
            if withPassword { request.initialPassword = try password.ask("Initial password for \(email)") }
            let account = try await withIdentity { call in
                try await call.client.createClientAccount(request, options: call.options).account
            }
            let view = AccountView(account)
            try output.emit(view) { "Created client account \(view.displayName) <\(view.email)>: \(view.id)" }
        }
    }
}

/// `tillit client list`.
struct ClientListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List client accounts by name.",
        discussion: """
            Example:
              tillit client list --json
            """)

    @Flag(help: "Include deactivated accounts.") var includeDeactivated = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let accounts = try await withIdentity { call in
                try await listAllAccounts(call, kind: .client, includeDeactivated: includeDeactivated)
            }
            let views = accounts.map(AccountView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No client accounts."
                    : Terminal.table(
                        header: ["ID", "NAME", "E-MAIL", "LANGUAGES", "TIME ZONE", "STATUS"],
                        rows: views.map {
                            [
                                $0.id, $0.displayName, Display.cell($0.email), Display.list($0.languages),
                                $0.timeZone ?? "-", $0.status,
                            ]
                        })
            }
        }
    }
}

/// `tillit client deactivate`.
struct ClientDeactivateCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate",
        abstract: "Deactivate a client account; its records stay (admin).",
        discussion: """
            Example:
              tillit client deactivate 7c1e… --reason "treatment ended"
            """)

    @Argument(help: "The client's account id.") var accountID: String
    @Option(help: "Why, for the audit trail.") var reason = ""
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await deactivate(accountID: accountID, reason: reason, what: "client ")
    }
}
