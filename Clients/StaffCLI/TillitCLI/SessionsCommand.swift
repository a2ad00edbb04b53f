import ArgumentParser
import Foundation
import TillitContracts

/// `tillit sessions`: ending sessions of an account.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "End every session of your account, or of another account (admin).",
        discussion: """
            Example:
              tillit sessions revoke            # every session of your own account
              tillit sessions revoke 4d2a…      # someone else's (admin)
            """,
        subcommands: [SessionsRevokeCommand.self])
}

/// `tillit sessions revoke`: RevokeSessions. Access tokens already issued stay valid until they
/// expire (at most 15 minutes).
struct SessionsRevokeCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "End every session (refresh token) of an account; it must sign in again.",
        discussion: """
            Without an account id, your own account: this session ends too.

            Example:
              tillit sessions revoke 4d2a…
            """)

    @Argument(help: "The account id (default: your own).") var accountID: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    struct Result: Codable {
        var accountID: String
        var revokedSessions: UInt32
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let result = try await withIdentity { call in
                var request = Tillit_Identity_V1_RevokeSessionsRequest()
                request.accountID.value = accountID ?? call.session.accountID
                let response = try await call.client.revokeSessions(request, options: call.options)
                return Result(accountID: request.accountID.value, revokedSessions: response.revokedSessions)
            }
            try output.emit(result) {
                "Ended \(result.revokedSessions) session(s) of \(result.accountID)."
            }
        }
    }
}
