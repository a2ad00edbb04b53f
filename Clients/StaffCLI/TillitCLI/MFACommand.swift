import ArgumentParser
import Foundation
import TillitContracts

/// `tillit mfa`: two-factor authentication (TOTP) of the signed-in account.
struct MFACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa",
        abstract: "Enrol and confirm two-factor authentication (TOTP); reset someone's (admin).",
        discussion: """
            Example:
              tillit mfa enrol && tillit mfa confirm 123456
            """,
        subcommands: [MFAEnrolCommand.self, MFAConfirmCommand.self, MFAResetCommand.self])
}

/// `tillit mfa enrol`.
struct MFAEnrolCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Start enrolment: prints the secret and otpauth:// URI for an authenticator app.",
        discussion: """
            Example:
              tillit mfa enrol
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var secret: String
        var provisioningUri: String
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let response = try await withIdentity { call in
                try await call.client.enrolTotp(Tillit_Identity_V1_EnrolTotpRequest(), options: call.options)
            }
            let result = Result(secret: response.secret, provisioningUri: response.provisioningUri)
            try output.emit(result) {
                """
                Add this secret to your authenticator app (or open the URI):
                  secret: \(result.secret)
                  uri:    \(result.provisioningUri)
                Then confirm with a current code: tillit mfa confirm <code>
                """
            }
        }
    }
}

/// `tillit mfa confirm`.
struct MFAConfirmCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirm enrolment with a current code; from then on login needs --totp.",
        discussion: """
            Example:
              tillit mfa confirm 123456
            """)

    @Argument(help: "The six-digit code from the app.") var code: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var confirmedAt: Date
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_ConfirmTotpRequest()
            request.code = code
            let (response, session) = try await withIdentity { call in
                (try await call.client.confirmTotp(request, options: call.options), call.session)
            }
            let result = Result(confirmedAt: response.confirmedAt.date)
            try output.emit(result) {
                """
                Two-factor authentication confirmed. Log in again with a new code:
                  tillit login --org \(session.organizationID) --email \(session.email) --totp <code>
                """
            }
        }
    }
}

/// `tillit mfa reset`: removes another account's TOTP (admin), e.g. after a lost phone.
struct MFAResetCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Remove an account's TOTP so it enrols again; its sessions end (admin).",
        discussion: """
            Example:
              tillit mfa reset 4d2a…
            """)

    @Argument(help: "The account id.") var accountID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_ResetTotpRequest()
            request.accountID.value = accountID
            let account = try await withIdentity { call in
                try await call.client.resetTotp(request, options: call.options).account
            }
            let view = AccountView(account)
            try output.emit(view) {
                "Two-factor removed for \(view.displayName) (\(view.id)); they enrol again at their next sign-in."
            }
        }
    }
}
