import ArgumentParser
import Foundation
import TillitContracts

/// `tillit staff`: staff accounts and their roles.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Add, list and deactivate staff accounts; set their roles (admin).",
        discussion: """
            Roles: admin, scheduler, practitioner, supervisor.

            Example:
              tillit staff list --role practitioner
            """,
        subcommands: [
            StaffAddCommand.self, StaffListCommand.self, StaffRolesCommand.self, StaffDeactivateCommand.self,
        ])
}

/// Every account of a kind (all pages).
func listAllAccounts(
    _ call: IdentityCall, kind: Tillit_Identity_V1_AccountKind, role: Tillit_Identity_V1_Role = .unspecified,
    includeDeactivated: Bool
) async throws -> [Tillit_Identity_V1_Account] {
    var accounts: [Tillit_Identity_V1_Account] = []
    var request = Tillit_Identity_V1_ListAccountsRequest()
    request.kind = kind
    request.role = role
    request.includeDeactivated = includeDeactivated
    request.page.pageSize = 200
    repeat {
        let response = try await call.client.listAccounts(request, options: call.options)
        accounts += response.accounts
        request.page.pageToken = response.page.nextPageToken
    } while !request.page.pageToken.isEmpty
    return accounts
}

/// `tillit staff add`.
struct StaffAddCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a staff account with an initial password (asked for, or --password-stdin).",
        discussion: """
            A pre-licensed practitioner needs --supervisor (an account holding the supervisor role).

            Examples:
              tillit staff add --email bo@example.org --name "Bo Ek" --role practitioner \\
                --discipline psychotherapist --language sv --language en --licence licensed
              tillit staff add --email cy@example.org --name "Cy Lind" --role practitioner \\
                --discipline psychologist --licence pre-licensed --supervisor 4d2a…
            """)

    @Option(help: "E-mail (the login name).") var email: String
    @Option(help: "Display name.") var name: String
    @Option(help: "A role (repeatable or comma-separated): admin, scheduler, practitioner, supervisor.")
    var role: [String] = []
    @Option(help: "Professional discipline, e.g. psychotherapist, social worker.") var discipline = ""
    @Option(help: "A language tag the person works in, e.g. sv (repeatable).") var language: [String] = []
    @Option(help: "licensed or pre-licensed (practitioners).") var licence: String?
    @Option(help: "The supervisor's account id (pre-licensed practitioners).") var supervisor: String?
    @OptionGroup var password: PasswordOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_CreateStaffAccountRequest()
            request.email = email
            request.displayName = name
            request.roles = try Names.roles(role)
            request.profile.discipline = discipline
            request.profile.languages = language
            switch licence?.lowercased() {
            case nil: break
            case "licensed": request.profile.licenceStatus = .licensed
            case "pre-licensed", "prelicensed": request.profile.licenceStatus = .preLicensed
            default: throw CLIError(.usage, "--licence must be licensed or pre-licensed")
            }
            if let supervisor { request.profile.supervisorID.value = supervisor }
            request.initialPassword = try password.ask("Initial password for \(email)")
            let account = try await withIdentity { call in
                try await call.client.createStaffAccount(request, options: call.options).account
            }
            let view = AccountView(account)
            try output.emit(view) { "Created staff account \(view.displayName) <\(view.email)>: \(view.id)" }
        }
    }
}

/// `tillit staff list`.
struct StaffListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List staff accounts by name.",
        discussion: """
            Example:
              tillit staff list --role supervisor --json
            """)

    @Option(help: "Only staff holding this role.") var role: String?
    @Flag(help: "Include deactivated accounts.") var includeDeactivated = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let role = try role.map { try Names.value($0, in: Names.roles, what: "role") } ?? .unspecified
            let accounts = try await withIdentity { call in
                try await listAllAccounts(
                    call, kind: .staff, role: role, includeDeactivated: includeDeactivated)
            }
            let views = accounts.map(AccountView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No staff accounts."
                    : Terminal.table(header: AccountView.header, rows: views.map(\.row))
            }
        }
    }
}

/// `tillit staff roles`: replaces an account's roles.
struct StaffRolesCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Replace a staff account's roles (admin; audited).",
        discussion: """
            Example:
              tillit staff roles 4d2a… --role practitioner,supervisor
            """)

    @Argument(help: "The account id.") var accountID: String
    @Option(help: "A role (repeatable or comma-separated); the account gets exactly these.")
    var role: [String] = []
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_SetRolesRequest()
            request.accountID.value = accountID
            request.roles = try Names.roles(role)
            let account = try await withIdentity { call in
                try await call.client.setRoles(request, options: call.options).account
            }
            let view = AccountView(account)
            try output.emit(view) { "\(view.displayName) now holds: \(Display.list(view.roles))" }
        }
    }
}

/// `tillit staff deactivate` (also used for clients: accounts are never deleted).
struct StaffDeactivateCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate",
        abstract: "Deactivate an account: it can no longer sign in; its records stay (admin).",
        discussion: """
            Example:
              tillit staff deactivate 4d2a… --reason "left the practice"
            """)

    @Argument(help: "The account id.") var accountID: String
    @Option(help: "Why, for the audit trail.") var reason = ""
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await deactivate(accountID: accountID, reason: reason, what: "")
    }
}

extension AuthenticatedCommand {
    /// DeactivateAccount, then the account for `--json` or one line for people (`what` names
    /// the kind, e.g. "client ").
    func deactivate(accountID: String, reason: String, what: String) async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_DeactivateAccountRequest()
            request.accountID.value = accountID
            request.reason = reason
            let account = try await withIdentity { call in
                try await call.client.deactivateAccount(request, options: call.options).account
            }
            let view = AccountView(account)
            try output.emit(view) { "Deactivated \(what)\(view.displayName) (\(view.id))." }
        }
    }
}
