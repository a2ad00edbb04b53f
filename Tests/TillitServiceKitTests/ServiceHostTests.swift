import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TillitContracts
import TillitHarnessKit
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Accepts exactly one token.
struct FixedTokenVerifier: TokenVerifier {
    func verify(_ token: String) async throws -> Principal {
        guard token == "good-token" else {
            throw VerifierFailure()
        }
        return Principal(subject: "acct-1", organization: "org-1", kind: .staff, roles: [.practitioner])
    }
}

struct VerifierFailure: Error, CustomStringConvertible {
    var description: String { "signature mismatch for key k1 (secret detail)" }
}

/// Counts handler starts, so tests can wait for a call to be in flight.
final class StartCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    /// Whether `expected` calls started within `timeout` of wall-clock time (a count of sleeps
    /// would stretch a busy machine's wait past a connecting client's patience, or cut it short).
    func waitFor(_ expected: Int, timeout: Duration = .seconds(30)) async -> Bool {
        await eventually(timeout: timeout, interval: .milliseconds(5)) { count.withLock { $0 } >= expected }
    }
}

/// Echoes the caller's subject, or sleeps, for host tests.
struct WhoAmIService: Tillit_Testing_V1_EchoService {
    var started = StartCounter()

    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        let principal = try context.requirePrincipal()
        started.increment()
        if request.text == "fail-internally" {
            throw ServiceError(
                .internalError, "account not stored in /var/lib/tillit/identity.db",
                cause: VerifierFailure())
        }
        if request.delayMillis > 0 { try await Task.sleep(for: .milliseconds(Int(request.delayMillis))) }
        var response = Tillit_Testing_V1_EchoResponse()
        response.text = "\(principal.subject)@\(principal.organization)"
        // The principal is visible to outgoing calls made while handling, too.
        response.seenMetadata = [ServerContext.current?.principal?.subject ?? "none"]
        return response
    }
}

private let quiet: Logger = {
    var logger = Logger(label: "tillit.test")
    logger.logLevel = .critical
    return logger
}()

/// Runs a host (Echo behind `verifier` and, if given, `policy`) on an ephemeral port with `body`,
/// then shuts it down gracefully.
@discardableResult
private func withHost<T: Sendable>(
    verifier: any TokenVerifier = FixedTokenVerifier(), policy: AccessPolicy? = nil,
    _ body:
        @Sendable (ServiceHost, Tillit_Testing_V1_Echo.Client, Tillit_Health_V1_Health.Client) async throws ->
        T
) async throws -> T {
    try await withRunningService(
        .booking,
        makeHost: { configuration in
            if let policy {
                return try ServiceHost(
                    configuration: configuration, services: [WhoAmIService()], verifier: verifier,
                    policy: policy,
                    logger: quiet)
            }
            return try ServiceHost(
                configuration: configuration, services: [WhoAmIService()], verifier: verifier, logger: quiet)
        }
    ) { running in
        try await body(
            running.host, Tillit_Testing_V1_Echo.Client(running.rpc),
            Tillit_Health_V1_Health.Client(running.rpc))
    }
}

/// Accepts `scoped-token` as a TOTP-enrolment token of an admin (as Identity once issued it, with
/// the roles still in it) and `good-token` as a full one.
struct ScopedTokenVerifier: TokenVerifier {
    func verify(_ token: String) async throws -> Principal {
        switch token {
        case "scoped-token":
            return Principal(
                subject: "acct-2", organization: "org-1", kind: .staff, roles: [.admin], scope: .totpEnrolment
            )
        case "good-token":
            return Principal(subject: "acct-1", organization: "org-1", kind: .staff, roles: [.admin])
        default:
            throw VerifierFailure()
        }
    }
}

private func bearer(_ token: String) -> CallOptions {
    CallOptions(metadata: Metadata([("authorization", "Bearer \(token)")]))
}

@Suite(.timeLimit(.minutes(2))) struct ServiceHostTests {
    @Test func healthNeedsNoTokenAndKnowsItsServices() async throws {
        try await withHost { host, _, health in
            var request = Tillit_Health_V1_HealthCheckRequest()
            #expect(try await health.check(request).status == .serving)
            request.service = "tillit.testing.v1.Echo"
            #expect(try await health.check(request).status == .serving)
            request.service = "tillit.nothing.v1.Nope"
            do {
                _ = try await health.check(request)
                Issue.record("unknown service answered")
            } catch let error as RPCError {
                #expect(error.code == .notFound)
            }
            host.health.setServing(false, service: "tillit.testing.v1.Echo")
            request.service = "tillit.testing.v1.Echo"
            #expect(try await health.check(request).status == .notServing)
            host.health.markAllNotServing()
            #expect(try await health.check(Tillit_Health_V1_HealthCheckRequest()).status == .notServing)
        }
    }

    @Test(arguments: [
        ("", "missing authorization"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <token>'"),
        ("Bearer ", "must be 'Bearer <token>'"),
        ("Bearer forged-token", "invalid access token"),
    ])
    func callsWithoutAValidTokenAreUnauthenticated(header: String, expected: String) async throws {
        try await withHost { _, echo, _ in
            var options = CallOptions()
            if !header.isEmpty { options.metadata["authorization"] = header }
            do {
                _ = try await echo.echo(Tillit_Testing_V1_EchoRequest(), options: options)
                Issue.record("call went through with '\(header)'")
            } catch let error as RPCError {
                #expect(error.code == .unauthenticated)
                #expect(error.message.contains(expected))
                #expect(!error.message.contains("secret detail"))
            }
        }
    }

    /// A scoped token does only what its scope names, in every service: without an access table
    /// nothing names the scope, so it is refused everywhere; a table admits it only where a rule
    /// allows the scope — whatever roles the token carries.
    @Test func aScopedTokenIsRefusedWhereNoRuleAllowsItsScope() async throws {
        let echo = Tillit_Testing_V1_Echo.Method.echo
        try await withHost(verifier: ScopedTokenVerifier()) { _, client, _ in
            let error = await expectRPCError(.permissionDenied) {
                try await client.echo(Tillit_Testing_V1_EchoRequest(), options: bearer("scoped-token"))
            }
            #expect(error?.message.contains("enrol TOTP first") == true)
            let text = try await client.echo(.init(), options: bearer("good-token")).text
            #expect(text == "acct-1@org-1")
        }
        try await withHost(verifier: ScopedTokenVerifier(), policy: AccessPolicy([echo: .staff(.admin)])) {
            _, client, _ in
            await expectRPCError(.permissionDenied) {
                try await client.echo(Tillit_Testing_V1_EchoRequest(), options: bearer("scoped-token"))
            }
        }
        try await withHost(
            verifier: ScopedTokenVerifier(),
            policy: AccessPolicy([echo: AccessRule.staff().allowing(.totpEnrolment)])
        ) { _, client, _ in
            let text = try await client.echo(.init(), options: bearer("scoped-token")).text
            #expect(text == "acct-2@org-1")
        }
    }

    @Test func validTokenReachesTheHandlerAsPrincipal() async throws {
        try await withHost { _, echo, _ in
            let response = try await echo.echo(Tillit_Testing_V1_EchoRequest(), options: bearer("good-token"))
            #expect(response.text == "acct-1@org-1")
            #expect(response.seenMetadata == ["acct-1"])
        }
    }

    @Test func internalErrorTextNeverReachesTheCaller() async throws {
        try await withHost { _, echo, _ in
            let error = await expectRPCError(.internalError) {
                try await echo.echo(.with { $0.text = "fail-internally" }, options: bearer("good-token"))
            }
            #expect(error?.message == "internal error")
            // The service keeps serving.
            let after = try await echo.echo(.init(), options: bearer("good-token"))
            #expect(after.text == "acct-1@org-1")
        }
        // What failed stays available to the service's log, through the cause.
        let local = ServiceError(.internalError, "account not stored", cause: VerifierFailure()).rpcError
        #expect(local.message == "internal error")
        #expect(String(describing: local.cause.map { $0 } as Any).contains("account not stored"))
        #expect(ServiceError(.notFound, "client not found").rpcError.message == "client not found")
    }

    @Test func gracefulShutdownFinishesTheCallInFlight() async throws {
        var configuration = try ServiceConfiguration(
            service: .notes,
            environment: ["TILLIT_NOTES_ADDR": "127.0.0.1:0"].merging(
                TestPKI.main.environment(for: "notes")
            ) { own, _ in own })
        configuration.shutdownGracePeriod = .seconds(5)
        let service = WhoAmIService()
        let host = try ServiceHost(
            configuration: configuration, services: [service], verifier: FixedTokenVerifier(), logger: quiet)
        let group = host.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let rpc = RPCClient(
                host: "127.0.0.1", port: try await host.server.localPort, configuration: try .tls(to: .notes))
            defer { rpc.close() }
            let echo = Tillit_Testing_V1_Echo.Client(rpc)
            var slow = Tillit_Testing_V1_EchoRequest()
            slow.delayMillis = 300
            let inFlight = Task { try await echo.echo(slow, options: bearer("good-token")) }
            #expect(await service.started.waitFor(1))
            await group.triggerGracefulShutdown()
            #expect(try await inFlight.value.text == "acct-1@org-1")
            try await tasks.waitForAll()
            // Health went NOT_SERVING when shutdown began.
            let health = try await host.health.check(
                Tillit_Health_V1_HealthCheckRequest(),
                context: ServerContext(
                    method: Tillit_Health_V1_Health.Method.check, metadata: Metadata(), requestID: "t",
                    deadline: nil,
                    peer: "test", logger: quiet))
            #expect(health.status == .notServing)
        }
    }
}
