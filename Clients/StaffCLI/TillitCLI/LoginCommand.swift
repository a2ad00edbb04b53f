import ArgumentParser
import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// `tillit login`: signs in and keeps the session in the user's config folder.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to Identity and keep the session (file mode 0600) for later commands.",
        discussion: """
            The password is asked for without echo, or read as one line of standard input with \
            --password-stdin; it is never a flag's value. Admins and supervisors without \
            two-factor authentication get a session that only allows `tillit mfa enrol` and \
            `tillit mfa confirm`; after confirming, log in again with --totp.

            The session is kept in $TILLIT_CONFIG_DIR/session.json, else \
            $XDG_CONFIG_HOME/tillit/session.json, else ~/.config/tillit/session.json.

            Examples:
              tillit login --org 6f1c…-… --email anna@example.org
              tillit login --org 6f1c…-… --email anna@example.org --totp 123456
              printf '%s\\n' "$PASSWORD" | tillit login --org 6f1c…-… --email bo@example.org --password-stdin
            """)

    @Option(name: .customLong("org"), help: "The organisation id (printed by `tillit org bootstrap`).")
    var organization: String

    @Option(help: "Your e-mail address.")
    var email: String

    @Option(help: "The six-digit code from your authenticator app, if two-factor is enabled.")
    var totp: String?

    @OptionGroup var password: PasswordOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var account: AccountView
        var accessTokenExpiresAt: Date
        var totpEnrolmentRequired: Bool
        var sessionFile: String
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let address = try addresses.identityAddress()
            let secret = try password.ask("Password for \(email)")
            var request = Tillit_Identity_V1_LoginRequest()
            request.organizationID.value = organization
            request.email = email
            request.password = secret
            request.totpCode = totp ?? ""
            let response = try await IdentityConnection.with(address) { connection in
                do {
                    return try await connection.client.login(request)
                } catch let error as RPCError where error.code == .unauthenticated {
                    throw CLIError(
                        .auth,
                        totp == nil
                            ? "sign-in failed: wrong organisation, e-mail or password, a deactivated account, or a two-factor code is needed (--totp <code>)"
                            : "sign-in failed: wrong organisation, e-mail, password or two-factor code, or a deactivated account"
                    )
                } catch let error as RPCError where error.code == .invalidArgument {
                    throw CLIError(.invalidInput, "invalid input: \(error.message)")
                }
            }
            let session = Session(
                identityAddress: address.description, organizationID: organization,
                accountID: response.account.id.value, email: response.account.email,
                displayName: response.account.displayName, accessToken: response.tokens.accessToken,
                accessTokenExpiresAt: response.tokens.accessTokenExpiresAt.date,
                refreshToken: response.tokens.refreshToken,
                refreshTokenExpiresAt: response.tokens.refreshTokenExpiresAt.date,
                totpEnrolmentRequired: response.totpEnrolmentRequired)
            let store = SessionStore()
            try store.save(session)
            let result = Result(
                account: AccountView(response.account), accessTokenExpiresAt: session.accessTokenExpiresAt,
                totpEnrolmentRequired: response.totpEnrolmentRequired, sessionFile: store.file.path)
            try output.emit(result) {
                if response.totpEnrolmentRequired {
                    return """
                        Signed in as \(session.displayName) <\(session.email)>, but two-factor enrolment is required \
                        before anything else:
                          1. tillit mfa enrol            (add the secret to your authenticator app)
                          2. tillit mfa confirm <code>   (a current code from the app)
                          3. tillit login --org \(organization) --email \(email) --totp <code>
                        """
                }
                return
                    "Signed in as \(session.displayName) <\(session.email)>; session in \(store.file.path)."
            }
        }
    }
}
