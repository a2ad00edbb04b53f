import ArgumentParser
import Foundation
import TillitContracts
import TillitRPC

/// `tillit org`: the organisation, its locations and its contact policy.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Create and manage the organisation, its locations and contact policy.",
        discussion: """
            Example:
              tillit org show
            """,
        subcommands: [
            OrgBootstrapCommand.self, OrgShowCommand.self, OrgUpdateCommand.self, LocationCommand.self,
            ContactPolicyCommand.self,
        ])
}

/// Parses `name|address|city`.
func parseLocation(_ text: String) throws -> Tillit_Identity_V1_NewLocation {
    let parts = text.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
    }
    guard parts.count == 3, !parts[0].isEmpty else {
        throw CLIError(.usage, "--location '\(text)': expected \"name|address|city\"")
    }
    var location = Tillit_Identity_V1_NewLocation()
    location.name = parts[0]
    location.address = parts[1].replacingOccurrences(of: "\\n", with: "\n")
    location.city = parts[2]
    return location
}

/// `tillit org bootstrap`: the first organisation and its admin, on an empty Identity.
struct OrgBootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Create the first organisation and its admin (works only on an empty Identity).",
        discussion: """
            The admin's password is asked for without echo (or read from standard input with \
            --password-stdin). The admin must enrol two-factor authentication at first login.

            Example:
              tillit org bootstrap --name "Solrosen Terapi" --time-zone Europe/Stockholm \\
                --admin-email anna@example.org --admin-name "Anna Berg" \\
                --location "Centrum|Drottninggatan 1|Stockholm"
            """)

    @Option(help: "The organisation's name.")
    var name: String

    @Option(help: "Its IANA time zone, e.g. Europe/Stockholm.")
    var timeZone: String

    @Option(help: "The first admin's e-mail.")
    var adminEmail: String

    @Option(help: "The first admin's display name.")
    var adminName: String

    @Option(help: "A location as \"name|address|city\" (repeatable).")
    var location: [String] = []

    @Option(
        help:
            "The bootstrap secret, when Identity already holds an organisation (TILLIT_IDENTITY_BOOTSTRAP_SECRET)."
    )
    var bootstrapSecret: String?

    @OptionGroup var password: PasswordOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var organization: OrganizationView
        var admin: AccountView
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let address = try addresses.identityAddress()
            var request = Tillit_Identity_V1_BootstrapRequest()
            request.organizationName = name
            request.timeZone = timeZone
            request.locations = try location.map(parseLocation)
            request.adminEmail = adminEmail
            request.adminDisplayName = adminName
            request.bootstrapSecret = bootstrapSecret ?? ""
            request.adminPassword = try password.ask("Password for \(adminEmail)")
            let response = try await IdentityConnection.with(address) { connection in
                do {
                    return try await connection.client.bootstrap(request)
                } catch let error as RPCError where error.code == .permissionDenied {
                    throw CLIError(.conflict, "\(error.message)")
                }
            }
            let result = Result(
                organization: OrganizationView(response.organization), admin: AccountView(response.admin))
            try output.emit(result) {
                """
                \(result.organization.text)

                Admin \(result.admin.displayName) <\(result.admin.email)> created. Next:
                  tillit login --org \(result.organization.id) --email \(result.admin.email)
                then enrol two-factor authentication (`tillit mfa enrol`, `tillit mfa confirm <code>`).
                """
            }
        }
    }
}

/// `tillit org show`: the caller's organisation and its locations.
struct OrgShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the organisation and its locations.",
        discussion: """
            Example:
              tillit org show --json
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let organization = try await withIdentity { call in
                try await call.client.getOrganization(
                    Tillit_Identity_V1_GetOrganizationRequest(), options: call.options
                )
                .organization
            }
            let view = OrganizationView(organization)
            try output.emit(view) { view.text }
        }
    }
}

/// `tillit org update`: the organisation's name, time zone or staff two-factor rule (admin).
struct OrgUpdateCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change the organisation's name, time zone or staff two-factor rule (admin).",
        discussion: """
            --staff-totp on (the default of every new practice) makes every staff account enrol \
            two-factor authentication at its next login; off leaves that to admins and \
            supervisors, who must always have it.

            Example:
              tillit org update --time-zone Europe/Helsinki
              tillit org update --staff-totp off
            """)

    @Option(help: "The new display name.") var name: String?
    @Option(help: "The new IANA time zone, e.g. Europe/Stockholm.") var timeZone: String?
    @Option(help: "Whether every staff account must use two-factor authentication: on or off.")
    var staffTotp: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard name != nil || timeZone != nil || staffTotp != nil else {
            throw ValidationError("give --name, --time-zone or --staff-totp")
        }
        if let staffTotp, !["on", "off"].contains(staffTotp) {
            throw ValidationError("--staff-totp: expected on or off")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_UpdateOrganizationRequest()
            if let name { request.name.value = name }
            if let timeZone { request.timeZone.value = timeZone }
            if let staffTotp { request.staffTotpRequired.value = staffTotp == "on" }
            let organization = try await withIdentity { call in
                try await call.client.updateOrganization(request, options: call.options).organization
            }
            let view = OrganizationView(organization)
            try output.emit(view) { view.text }
        }
    }
}
