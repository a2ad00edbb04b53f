import Foundation
import Logging
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit

/// A running Identity server on an ephemeral loopback port with a real SQLite file in a
/// temporary directory, a client against it, and helpers to set up a practice.
public struct IdentityHarness: Sendable {
    /// The bootstrap secret the harness's Identity is configured with.
    public static let bootstrapSecret = "test-bootstrap-secret-0123456789"
    /// The password of every account the harness creates.
    public static let password = "correct horse battery staple"

    /// The harness's host.
    public let host: ServiceHost
    /// The harness's rpc.
    public let rpc: RPCClient
    /// The harness's identity.
    public let identity: Tillit_Identity_V1_Identity.Client
    /// The harness's clock.
    public let clock: TestClock
    /// The harness's dataDirectory.
    public let dataDirectory: String
    /// The harness's port.
    public let port: Int

    /// A harness over a running Identity.
    public init(
        host: ServiceHost, rpc: RPCClient, identity: Tillit_Identity_V1_Identity.Client, clock: TestClock,
        dataDirectory: String, port: Int
    ) {
        self.host = host
        self.rpc = rpc
        self.identity = identity
        self.clock = clock
        self.dataDirectory = dataDirectory
        self.port = port
    }

    /// Call options carrying `token` (and optionally `x-on-behalf-of`).
    public static func auth(_ token: String, onBehalfOf: String? = nil) -> CallOptions {
        bearer(token, onBehalfOf: onBehalfOf)
    }

    /// The code an authenticator app shows for `secret` (Base32) at the harness clock's time.
    public func totpCode(_ secret: String, offsetSteps: Int64 = 0) -> String {
        let totp = TOTP(secret: Base32.decode(secret) ?? [])
        return totp.code(step: TOTP.step(at: clock.now()) + offsetSteps)
    }

    /// Creates an organisation (the first without, later ones with the bootstrap secret).
    public func bootstrap(
        name: String = "Stigen Psykoterapi", adminEmail: String = "admin@stigen.se", secret: Bool = false
    ) async throws -> Tillit_Identity_V1_BootstrapResponse {
        var request = Self.bootstrapRequest(name: name, adminEmail: adminEmail)
        if secret { request.bootstrapSecret = Self.bootstrapSecret }
        return try await identity.bootstrap(request)
    }

    /// A Bootstrap request: the organisation in Stockholm with one location, and its admin with
    /// `password`.
    public static func bootstrapRequest(
        name: String = "Stigen Psykoterapi", adminEmail: String = "admin@stigen.se"
    ) -> Tillit_Identity_V1_BootstrapRequest {
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
        request.adminPassword = password
        return request
    }

    /// Signs in with a password (and code); for accounts that must enrol TOTP, enrols and
    /// confirms it and signs in again, returning the full session and the TOTP secret.
    public func signIn(organization: String, email: String, password: String = IdentityHarness.password)
        async throws
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
    public func signIn(organization: String, email: String, totpSecret: String) async throws
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
/// shuts it down (TillitTesting's `withRunningService`). `dataDirectory` reuses a directory
/// (restart tests); otherwise a temporary one.
public func withIdentity<T: Sendable>(
    dataDirectory: String? = nil,
    configure: @Sendable (inout IdentityConfiguration) -> Void = { _ in },
    _ body: @Sendable (IdentityHarness) async throws -> T
) async throws -> T {
    var settings = IdentityConfiguration(
        bootstrapSecret: IdentityHarness.bootstrapSecret,
        passwordParameters: PasswordParameters(n: 16, r: 8, p: 1))
    configure(&settings)
    let identity = settings
    let clock = TestClock()
    return try await withRunningService(
        .identity, dataDirectory: dataDirectory,
        makeHost: { configuration in
            try IdentityServer.makeHost(
                configuration: configuration, identity: identity, logger: quietLogger, now: { clock.now() })
        }
    ) { service in
        try await body(
            IdentityHarness(
                host: service.host, rpc: service.rpc,
                identity: Tillit_Identity_V1_Identity.Client(service.rpc),
                clock: clock, dataDirectory: service.dataDirectory, port: service.port))
    }
}
