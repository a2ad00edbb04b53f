import ArgumentParser
import Foundation
import TillitContracts

/// `tillit logout`: ends the session at Identity and deletes the session file.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "End the session (at Identity too) and delete the session file.",
        discussion: """
            If Identity cannot be reached, the session file is still deleted and the command says \
            that the session may stay valid at Identity until its refresh token expires.

            Example:
              tillit logout
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var loggedOut: Bool
        var endedAtIdentity: Bool
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let store = SessionStore()
            guard let session = try store.load() else {
                try output.emit(Result(loggedOut: false, endedAtIdentity: false)) { "Not logged in." }
                return
            }
            let address = try addresses.identityAddress(session: session)
            var request = Tillit_Identity_V1_LogoutRequest()
            request.refreshToken = session.refreshToken
            var ended = true
            var problem = ""
            do {
                try await IdentityConnection.with(address) { connection in
                    _ = try await connection.client.logout(request)
                }
            } catch let error as CLIError {
                ended = false
                problem = error.message
            }
            try store.delete()
            try output.emit(Result(loggedOut: true, endedAtIdentity: ended)) {
                ended
                    ? "Logged out \(session.email)."
                    : "Deleted the local session of \(session.email), but could not end it at Identity (\(problem))."
            }
        }
    }
}
