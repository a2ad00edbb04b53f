import ArgumentParser
import Foundation
import TillitContracts

/// `tillit password`: change one's own password, or set another account's (admin).
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Change your password, or set a temporary one for another account (admin).",
        discussion: """
            Passwords are at least 12 characters. They are asked for without echo, or read from \
            standard input with --password-stdin (one per line).

            Example:
              tillit password change
            """,
        subcommands: [PasswordChangeCommand.self, PasswordSetCommand.self])
}

/// `tillit password change`.
struct PasswordChangeCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "change",
        abstract: "Change your own password; your other sessions end.",
        discussion: """
            With --password-stdin, the first line is the current password, the second the new one.

            Example:
              printf '%s\\n%s\\n' "$OLD" "$NEW" | tillit password change --password-stdin
            """)

    @OptionGroup var password: PasswordOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var revokedSessions: UInt32
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_ChangePasswordRequest()
            request.currentPassword = try password.ask("Current password")
            request.newPassword = try password.ask("New password")
            if !password.passwordStdin, try password.ask("New password again") != request.newPassword {
                throw CLIError(.invalidInput, "the new passwords differ; nothing changed")
            }
            let response = try await withIdentity { call in
                try await call.client.changePassword(request, options: call.options)
            }
            let result = Result(revokedSessions: response.revokedSessions)
            try output.emit(result) { "Password changed; \(result.revokedSessions) other session(s) ended." }
        }
    }
}

/// `tillit password set`.
struct PasswordSetCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set a temporary password for another account (admin; audited); its sessions end.",
        discussion: """
            Example:
              tillit password set 7c1e…
            """)

    @Argument(help: "The account id.") var accountID: String
    @OptionGroup var password: PasswordOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var accountId: String
        var revokedSessions: UInt32
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_SetPasswordRequest()
            request.accountID.value = accountID
            request.newPassword = try password.ask("New password for \(accountID)")
            let response = try await withIdentity { call in
                try await call.client.setPassword(request, options: call.options)
            }
            let result = Result(accountId: accountID, revokedSessions: response.revokedSessions)
            try output.emit(result) {
                "Password set; \(result.revokedSessions) session(s) of the account ended."
            }
        }
    }
}
