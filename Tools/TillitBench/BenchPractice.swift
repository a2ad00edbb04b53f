import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// A practice bootstrapped on a fresh Identity for a benchmark: the organisation and its
/// admin signed in with TOTP (enrolled on the way), as `tillit` users would.
struct BenchPractice {
    /// The organisation's id.
    let organization: String
    /// Call options carrying the admin's access token.
    let admin: CallOptions
    /// The password every benchmark account gets.
    static let password = "benchmark password 0123"

    /// Bootstraps "Bench" (Europe/Stockholm) with one location and signs its admin in.
    static func bootstrap(_ identity: Tillit_Identity_V1_Identity.Client, report: (String) -> Void = { _ in })
        async throws -> BenchPractice
    {
        var boot = Tillit_Identity_V1_BootstrapRequest()
        boot.organizationName = "Bench"
        boot.timeZone = "Europe/Stockholm"
        boot.adminEmail = "admin@bench.se"
        boot.adminDisplayName = "Admin"
        boot.adminPassword = password
        boot.locations = [
            .with {
                $0.name = "Mottagningen"
                $0.address = "Storgatan 1"
                $0.city = "Umeå"
            }
        ]
        let organization = try await identity.bootstrap(boot).organization.id.value
        let token = try await signInEnrollingTotp(
            identity, organization: organization, email: "admin@bench.se"
        ) {
            report("one login (idle server):  \(String(format: "%.0f", $0.seconds * 1000)) ms")
        }
        return BenchPractice(organization: organization, admin: auth(token))
    }

    /// Signs in `email` (an account that must have TOTP: admins, supervisors), enrolling and
    /// confirming TOTP on the way; the access token. `firstLogin` is told how long the first
    /// (password) login took.
    static func signInEnrollingTotp(
        _ identity: Tillit_Identity_V1_Identity.Client, organization: String, email: String,
        firstLogin: (Duration) -> Void = { _ in }
    ) async throws -> String {
        var login = Tillit_Identity_V1_LoginRequest()
        login.organizationID.value = organization
        login.email = email
        login.password = password
        let clock = ContinuousClock()
        let started = clock.now
        let first = try await identity.login(login)
        firstLogin(clock.now - started)
        let enrolOptions = auth(first.tokens.accessToken)
        let enrolment = try await identity.enrolTotp(.init(), options: enrolOptions)
        let totp = TOTP(secret: Base32.decode(enrolment.secret) ?? [])
        var confirm = Tillit_Identity_V1_ConfirmTotpRequest()
        confirm.code = totp.code(step: TOTP.step(at: Date()) - 1)
        _ = try await identity.confirmTotp(confirm, options: enrolOptions)
        login.totpCode = totp.code(step: TOTP.step(at: Date()))
        return try await identity.login(login).tokens.accessToken
    }

    /// Call options carrying `Bearer <token>`.
    static func auth(_ token: String) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(metadata: metadata)
    }
}
