import ArgumentParser
import Foundation
import TillitContracts

/// `tillit whoami`: the signed-in account, its organisation and the token's expiry.
struct WhoAmICommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show who is signed in: name, e-mail, roles, organisation, token expiry.",
        discussion: """
            Refreshes the access token first if it expires within 30 seconds.

            Examples:
              tillit whoami
              tillit whoami --json | jq -r .account.roles[]
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var account: AccountView
        var organization: OrganizationView
        var accessTokenExpiresAt: Date
        var refreshTokenExpiresAt: Date
        var identityAddress: String
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let result = try await withIdentity { call in
                var request = Tillit_Identity_V1_GetAccountRequest()
                request.accountID.value = call.session.accountID
                async let account = call.client.getAccount(request, options: call.options)
                async let organization = call.client.getOrganization(
                    Tillit_Identity_V1_GetOrganizationRequest(), options: call.options)
                return Result(
                    account: AccountView(try await account.account),
                    organization: OrganizationView(try await organization.organization),
                    accessTokenExpiresAt: call.session.accessTokenExpiresAt,
                    refreshTokenExpiresAt: call.session.refreshTokenExpiresAt,
                    identityAddress: call.session.identityAddress)
            }
            try output.emit(result) {
                Display.fields([
                    ("Name", result.account.displayName), ("E-mail", result.account.email),
                    ("Account", result.account.id), ("Roles", Display.list(result.account.roles)),
                    ("Organisation", "\(result.organization.name) (\(result.organization.id))"),
                    ("Time zone", result.organization.timeZone),
                    ("Two-factor", result.account.totpEnabled ? "enabled" : "not enrolled"),
                    ("Token expires", Display.date(result.accessTokenExpiresAt)),
                    ("Session until", Display.date(result.refreshTokenExpiresAt)),
                    ("Identity", result.identityAddress),
                ])
            }
        }
    }
}
