import Foundation
import Logging
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// A running Identity server on an ephemeral loopback port with a real SQLite file in a
/// temporary directory, a client against it, and helpers to set up a practice.
struct IdentityHarness: Sendable {
    static let bootstrapSecret = "test-bootstrap-secret-0123456789"
    static let password = "correct horse battery staple"

    let host: ServiceHost
    let rpc: RPCClient
    let identity: Tillit_Identity_V1_Identity.Client
    let clock: TestClock
    let dataDirectory: String
    let port: Int

    /// Call options carrying `token` (and optionally `x-on-behalf-of`).
    static func auth(_ token: String, onBehalfOf: String? = nil) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        if let onBehalfOf { metadata.add("x-on-behalf-of", onBehalfOf) }
        return CallOptions(metadata: metadata)
    }

    /// The code an authenticator app shows for `secret` (Base32) at the harness clock's time.
    func totpCode(_ secret: String, offsetSteps: Int64 = 0) -> String {
        let totp = TOTP(secret: Base32.decode(secret) ?? [])
        return totp.code(step: TOTP.step(at: clock.now()) + offsetSteps)
    }

    /// Creates an organisation (the first without, later ones with the bootstrap secret).
    func bootstrap(
        name: String = "Stigen Psykoterapi", adminEmail: String = "admin@stigen.se", secret: Bool = false
    ) async throws -> Tillit_Identity_V1_BootstrapResponse {
        var request = Tillit_Identity_V1_BootstrapRequest()
        request.organizationName = name
        request.timeZone = "Europe/Stockholm"
        var location = Tillit_Identity_V1_NewLocation()
        location.name = "Mottagningen"
        location.address = "Storgatan 1"
        location.city = "Umeå"
        request.locations = [location]
        request.adminEmail = adminEmail
        request.adminDisplayName = "Admin"
        request.adminPassword = Self.password
        if secret { request.bootstrapSecret = Self.bootstrapSecret }
        return try await identity.bootstrap(request)
    }

    /// Signs in with a password (and code); for accounts that must enrol TOTP, enrols and
    /// confirms it and signs in again, returning the full session and the TOTP secret.
    func signIn(organization: String, email: String, password: String = IdentityHarness.password) async throws
        -> (login: Tillit_Identity_V1_LoginResponse, totpSecret: String?)
    {
        var request = Tillit_Identity_V1_LoginRequest()
        request.organizationID.value = organization
        request.email = email
        request.password = password
        let first = try await identity.login(request)
        guard first.totpEnrolmentRequired else { return (first, nil) }
        let options = Self.auth(first.tokens.accessToken)
        let enrolment = try await identity.enrolTotp(Tillit_Identity_V1_EnrolTotpRequest(), options: options)
        var confirm = Tillit_Identity_V1_ConfirmTotpRequest()
        confirm.code = totpCode(enrolment.secret)
        _ = try await identity.confirmTotp(confirm, options: options)
        clock.advance(seconds: 30)  // the confirming code's step is used up
        request.totpCode = totpCode(enrolment.secret)
        return (try await identity.login(request), enrolment.secret)
    }

    /// Signs in an account that has TOTP with its secret.
    func signIn(organization: String, email: String, totpSecret: String) async throws
        -> Tillit_Identity_V1_LoginResponse
    {
        clock.advance(seconds: 30)
        var request = Tillit_Identity_V1_LoginRequest()
        request.organizationID.value = organization
        request.email = email
        request.password = Self.password
        request.totpCode = totpCode(totpSecret)
        return try await identity.login(request)
    }
}

/// Runs `body` against a fresh Identity server (scrypt at test-sized cost, test clock), then
/// shuts it down. `dataDirectory` reuses a directory (restart tests); otherwise a temporary one.
func withIdentity<T: Sendable>(
    dataDirectory: String? = nil,
    configure: @Sendable (inout IdentityConfiguration) -> Void = { _ in },
    _ body: @Sendable (IdentityHarness) async throws -> T
) async throws -> T {
    let directory =
        dataDirectory
        ?? FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-identity-\(UUID().uuidString)"
        ).path
    defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    var configuration = try ServiceConfiguration(
        service: .identity,
        environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_DATA_DIR": directory])
    configuration.shutdownGracePeriod = .seconds(5)
    var identity = IdentityConfiguration(
        bootstrapSecret: IdentityHarness.bootstrapSecret,
        passwordParameters: PasswordParameters(n: 16, r: 8, p: 1))
    configure(&identity)
    let clock = TestClock()
    let logger = Logger(label: "tillit.identity.tests") { _ in SwiftLogNoOpLogHandler() }
    let host = try IdentityServer.makeHost(
        configuration: configuration, identity: identity, logger: logger, now: { clock.now() })
    let group = host.makeServiceGroup(signals: [])
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await host.server.localPort
        let rpc = RPCClient(host: "127.0.0.1", port: port)
        defer { rpc.close() }
        let harness = IdentityHarness(
            host: host, rpc: rpc, identity: Tillit_Identity_V1_Identity.Client(rpc), clock: clock,
            dataDirectory: directory, port: port)
        do {
            let result = try await body(harness)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
