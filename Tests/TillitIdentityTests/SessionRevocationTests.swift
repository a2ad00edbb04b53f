import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Answers the caller's subject: the protected method of the second, non-Identity service.
private struct WhoAmI: Tillit_Testing_V1_EchoService {
    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        var response = Tillit_Testing_V1_EchoResponse()
        response.text = try context.requirePrincipal().subject
        return response
    }
}

/// A second service beside Identity: a `ServiceHost` whose shared verifier trusts Identity's keys
/// and polls its ended sessions (the default 1 s interval of `ServiceConfiguration`).
private struct OtherService: Sendable {
    let echo: Tillit_Testing_V1_Echo.Client
    let health: Tillit_Health_V1_Health.Client

    /// Whether the service refuses `token` now (UNAUTHENTICATED).
    func refuses(_ token: String) async -> Bool {
        do {
            _ = try await echo.echo(.init(), options: bearer(token))
            return false
        } catch let error as RPCError {
            return error.code == .unauthenticated
        } catch {
            return false
        }
    }

    /// Whether the service accepts `token` now.
    func accepts(_ token: String) async -> Bool {
        (try? await echo.echo(.init(), options: bearer(token)).text) != nil
    }
}

private func withOtherService<T: Sendable>(
    identityPort: Int, clock: TestClock, _ body: (OtherService) async throws -> T
) async throws -> T {
    // As a real service: mutual TLS to Identity, presenting booking's certificate.
    let identityRPC = RPCClient(
        host: "127.0.0.1", port: identityPort, configuration: try .tls(to: .identity, presenting: "booking"))
    defer { identityRPC.close() }
    let identity = Tillit_Identity_V1_Identity.Client(identityRPC)
    return try await withRunningService(
        .booking,
        makeHost: { configuration in
            let trust = AccessTokenVerifier.trustingIdentity(
                identity, pollInterval: configuration.revocationPollInterval, logger: quietLogger,
                now: { clock.now() })
            return try ServiceHost(
                configuration: configuration, services: [WhoAmI()], verifier: trust.verifier,
                revocations: trust.revocations, logger: quietLogger)
        }
    ) { running in
        try await body(
            OtherService(
                echo: Tillit_Testing_V1_Echo.Client(running.rpc),
                health: Tillit_Health_V1_Health.Client(running.rpc)))
    }
}

/// What ends a session, for the parametrised test.
enum SessionEnd: String, CaseIterable, Sendable {
    case setRoles, deactivation, logout, revokeSessions, changePassword, setPassword, resetTotp, refreshReuse
}

/// Every event that ends a session ends its access tokens: Identity refuses them at once, and a
/// second service (its verifier polling Identity) within 5 s — also a token it had already
/// verified and cached.
@Suite(.timeLimit(.minutes(5))) struct SessionRevocationTests {
    // One case at a time: each runs two servers, and eight at once on top of the other suites
    // crowd the test process's two-thread pool.
    @Test(.serialized, arguments: SessionEnd.allCases)
    func anEndedSessionsTokenIsRefusedEverywhereWithinFiveSeconds(_ end: SessionEnd) async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            try await withOtherService(identityPort: harness.port, clock: harness.clock) { other in
                let identity = harness.identity
                let admin = practice.options(.admin)
                // The victim signs in afresh (a full token pair); for TOTP resets and role
                // changes a staff account, otherwise the client.
                let email: String
                switch end {
                case .setRoles: email = "scheduler@stigen.se"  // made a supervisor below
                case .resetTotp: email = "supervisor@stigen.se"
                default: email = "client@example.com"
                }
                let victim: Tillit_Identity_V1_LoginResponse
                if end == .resetTotp {
                    victim = try await harness.signIn(
                        organization: practice.organization, email: email,
                        totpSecret: practice.totpSecrets[.supervisor] ?? "")
                } else {
                    victim = try await harness.signIn(organization: practice.organization, email: email).login
                }
                let victimID = victim.account.id
                let ended = victim.tokens.accessToken
                var alsoEnded: [String] = []
                // A session that goes on (ChangePassword keeps the caller's own).
                var kept: String?
                // Works everywhere before (and is now in the other verifier's cache).
                _ = try await identity.getOrganization(.init(), options: IdentityHarness.auth(ended))
                #expect(await other.accepts(ended))

                switch end {
                case .setRoles:
                    _ = try await identity.setRoles(
                        .with {
                            $0.accountID = victimID
                            $0.roles = [.supervisor]
                        }, options: admin)
                case .deactivation:
                    _ = try await identity.deactivateAccount(
                        .with { $0.accountID = victimID }, options: admin)
                case .logout:
                    _ = try await identity.logout(.with { $0.refreshToken = victim.tokens.refreshToken })
                case .revokeSessions:
                    _ = try await identity.revokeSessions(.with { $0.accountID = victimID }, options: admin)
                case .changePassword:
                    // The victim's other session changes the password; this one ends.
                    let current = try await harness.signIn(organization: practice.organization, email: email)
                        .login
                    kept = current.tokens.accessToken
                    _ = try await identity.changePassword(
                        .with {
                            $0.currentPassword = IdentityHarness.password
                            $0.newPassword = "a whole new passphrase 2026"
                        }, options: IdentityHarness.auth(current.tokens.accessToken))
                case .setPassword:
                    _ = try await identity.setPassword(
                        .with {
                            $0.accountID = victimID
                            $0.newPassword = "a whole new passphrase 2026"
                        }, options: admin)
                case .resetTotp:
                    _ = try await identity.resetTotp(.with { $0.accountID = victimID }, options: admin)
                case .refreshReuse:
                    // The first refresh rotates; the old refresh token shown again (a thief's
                    // copy) ends the session, with the access token the refresh issued.
                    let rotated = try await identity.refresh(
                        .with { $0.refreshToken = victim.tokens.refreshToken })
                    _ = try await identity.getOrganization(
                        .init(), options: IdentityHarness.auth(rotated.tokens.accessToken))
                    #expect(await other.accepts(rotated.tokens.accessToken))
                    await expectRPCError(.unauthenticated, "reuse") {
                        try await identity.refresh(.with { $0.refreshToken = victim.tokens.refreshToken })
                    }
                    alsoEnded.append(rotated.tokens.accessToken)
                }

                for token in [ended] + alsoEnded {
                    // Identity refuses at once.
                    let refusal = await expectRPCError(.unauthenticated, "Identity, after \(end)") {
                        try await identity.getOrganization(.init(), options: IdentityHarness.auth(token))
                    }
                    #expect(
                        refusal?.message.contains("session has ended") == true,
                        "\(String(describing: refusal))")
                    // The other service within 5 s.
                    #expect(
                        await eventually(timeout: .seconds(5)) { await other.refuses(token) },
                        "the other service still accepts the token 5 s after \(end)")
                }
                if let kept {
                    // ChangePassword: the caller's own session goes on, in both services.
                    _ = try await identity.getOrganization(.init(), options: IdentityHarness.auth(kept))
                    #expect(await other.accepts(kept))
                }
            }
        }
    }

    /// A demoted admin loses admin powers at once (its token is refused; it cannot grant itself
    /// admin again with it), and nobody changes their own roles.
    @Test func nobodyChangesTheirOwnRolesAndADemotedAdminsTokenStopsWorking() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            let admin = practice.options(.admin)
            let adminID = practice.id(.admin)
            // Re-granting or demoting oneself: PERMISSION_DENIED, nothing changes.
            for roles in [[Tillit_Identity_V1_Role.admin, .practitioner], [.scheduler], [.admin]] {
                await expectRPCError(.permissionDenied, "SetRoles on oneself: \(roles)") {
                    try await identity.setRoles(
                        .with {
                            $0.accountID.value = adminID
                            $0.roles = roles
                        }, options: admin)
                }
            }
            let me = try await identity.getAccount(.with { $0.accountID.value = adminID }, options: admin)
            #expect(me.account.roles == [.admin])

            // A second admin, demoted by the first, cannot use its old token to re-grant itself.
            _ = try await identity.createStaffAccount(
                .with {
                    $0.email = "second.admin@stigen.se"
                    $0.displayName = "Second Admin"
                    $0.roles = [.admin]
                    $0.initialPassword = IdentityHarness.password
                }, options: admin)
            let second = try await harness.signIn(
                organization: practice.organization, email: "second.admin@stigen.se"
            ).login
            let secondOptions = IdentityHarness.auth(second.tokens.accessToken)
            try await withOtherService(identityPort: harness.port, clock: harness.clock) { other in
                #expect(await other.accepts(second.tokens.accessToken))
                _ = try await identity.setRoles(
                    .with {
                        $0.accountID = second.account.id
                        $0.roles = [.scheduler]
                    }, options: admin)
                await expectRPCError(.unauthenticated, "the demoted admin re-grants itself admin") {
                    try await identity.setRoles(
                        .with {
                            $0.accountID = second.account.id
                            $0.roles = [.admin]
                        }, options: secondOptions)
                }
                await expectRPCError(.unauthenticated, "the demoted admin creates an account") {
                    try await identity.createServiceAccount(
                        .with { $0.displayName = "Backdoor" }, options: secondOptions)
                }
                #expect(
                    await eventually(timeout: .seconds(5)) { await other.refuses(second.tokens.accessToken) })
                let account = try await identity.getAccount(
                    .with { $0.accountID = second.account.id }, options: admin)
                #expect(account.account.roles == [.scheduler])
            }
        }
    }

    /// ChangePassword ends the caller's other sessions (their refresh tokens and access tokens)
    /// and keeps the caller's own, as docs/identity.md says.
    @Test func changePasswordEndsTheCallersOtherSessions() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            let email = "client@example.com"
            let first = try await harness.signIn(organization: practice.organization, email: email).login
            let second = try await harness.signIn(organization: practice.organization, email: email).login
            let response = try await identity.changePassword(
                .with {
                    $0.currentPassword = IdentityHarness.password
                    $0.newPassword = "a whole new passphrase 2026"
                }, options: IdentityHarness.auth(first.tokens.accessToken))
            // Practice.make's own client session and `second` ended.
            #expect(response.revokedSessions == 2)
            await expectRPCError(.unauthenticated, "the other session's refresh token") {
                try await identity.refresh(.with { $0.refreshToken = second.tokens.refreshToken })
            }
            await expectRPCError(.unauthenticated, "the other session's access token") {
                try await identity.getOrganization(
                    .init(), options: IdentityHarness.auth(second.tokens.accessToken))
            }
            await expectRPCError(.unauthenticated, "Practice.make's session of the client") {
                try await identity.getOrganization(.init(), options: practice.options(.client))
            }
            _ = try await identity.getOrganization(
                .init(), options: IdentityHarness.auth(first.tokens.accessToken))
            let renewed = try await identity.refresh(.with { $0.refreshToken = first.tokens.refreshToken })
            #expect(!renewed.tokens.accessToken.isEmpty)
        }
    }

    /// The ended-session list is public, starts from a cursor and pages on.
    @Test func listRevokedSessionsAnswersSinceACursor() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let identity = harness.identity
            let all = try await identity.listRevokedSessions(.init())
            let login = try await harness.signIn(
                organization: practice.organization, email: "client@example.com"
            )
            .login
            _ = try await identity.logout(.with { $0.refreshToken = login.tokens.refreshToken })
            let since = try await identity.listRevokedSessions(.with { $0.cursor = all.nextCursor })
            #expect(since.sessions.count == 1)
            #expect(!since.more)
            let sid = try await identity.listRevokedSessions(.init()).sessions.map(\.sessionID)
            #expect(sid.contains(since.sessions[0].sessionID))
            let nothing = try await identity.listRevokedSessions(.with { $0.cursor = since.nextCursor })
            #expect(nothing.sessions.isEmpty && nothing.nextCursor == since.nextCursor)
            // A cursor from a future (a restored database) starts from the beginning.
            let restart = try await identity.listRevokedSessions(.with { $0.cursor = "999999" })
            #expect(restart.sessions.map(\.sessionID).contains(since.sessions[0].sessionID))
            await expectRPCError(.invalidArgument) {
                try await identity.listRevokedSessions(.with { $0.cursor = "not a cursor" })
            }
            // Forgotten once no token of the session can be valid.
            harness.clock.advance(seconds: RevokedSessions.retention + 1)
            let later = try await identity.listRevokedSessions(.init())
            #expect(!later.sessions.map(\.sessionID).contains(since.sessions[0].sessionID))
        }
    }
}

/// With Identity stopped, the other service keeps refusing the sessions it learnt of, keeps
/// accepting the others, and its health says the list is stale.
@Suite(.timeLimit(.minutes(3))) struct RevocationWithoutIdentityTests {
    @Test func theOtherServiceKeepsTheLastListAndReportsItStale() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let settings = IdentityConfiguration(
                bootstrapSecret: IdentityHarness.bootstrapSecret,
                passwordParameters: PasswordParameters(n: 16, r: 8, p: 1))
            let configuration = try testConfiguration(.identity, dataDirectory: directory.path)
            let identityHost = try await onOwnThread {
                try IdentityServer.makeHost(
                    configuration: configuration, identity: settings, logger: quietLogger,
                    now: { clock.now() })
            }
            let group = identityHost.makeServiceGroup(signals: [])
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // A failure below leaves the group, which cancels (and so stops) Identity.
                let port = try await identityHost.server.localPort
                let rpc = RPCClient(
                    host: "127.0.0.1", port: port,
                    configuration: try .tls(to: .identity, presenting: "booking"))
                defer { rpc.close() }
                let harness = IdentityHarness(
                    host: identityHost, rpc: rpc, identity: Tillit_Identity_V1_Identity.Client(rpc),
                    clock: clock,
                    dataDirectory: directory.path, port: port)
                let boot = try await harness.bootstrap()
                let organization = boot.organization.id.value
                let admin = try await harness.signIn(organization: organization, email: "admin@stigen.se")
                    .login
                _ = try await harness.identity.createClientAccount(
                    .with {
                        $0.email = "client@example.com"
                        $0.displayName = "Client"
                        $0.initialPassword = IdentityHarness.password
                    }, options: IdentityHarness.auth(admin.tokens.accessToken))
                let ended = try await harness.signIn(organization: organization, email: "client@example.com")
                    .login
                let live = try await harness.signIn(organization: organization, email: "client@example.com")
                    .login
                try await withOtherService(identityPort: port, clock: clock) { other in
                    #expect(await other.accepts(ended.tokens.accessToken))
                    #expect(await other.accepts(live.tokens.accessToken))
                    // Fresh once a poll has answered (on a loaded machine the first may take a while).
                    var fresh = try await other.health.check(.init())
                    let becameFresh = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                        fresh = (try? await other.health.check(.init())) ?? fresh
                        return fresh.status == .serving && !fresh.degraded
                    }
                    #expect(becameFresh, "\(fresh)")
                    _ = try await harness.identity.logout(
                        .with { $0.refreshToken = ended.tokens.refreshToken })
                    #expect(
                        await eventually(timeout: .seconds(5)) {
                            await other.refuses(ended.tokens.accessToken)
                        })

                    // Identity goes away.
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    let stale = await eventually(timeout: .seconds(15), interval: .milliseconds(200)) {
                        (try? await other.health.check(.init()).degraded) == true
                    }
                    #expect(stale, "health never reported the stale list")
                    let health = try await other.health.check(.init())
                    #expect(health.status == .serving)
                    #expect(health.reason.contains("revoked-session list is stale"), "\(health.reason)")
                    #expect(health.reason.contains("cannot reach Identity"), "\(health.reason)")
                    // The last list still holds.
                    #expect(await other.refuses(ended.tokens.accessToken))
                    #expect(await other.accepts(live.tokens.accessToken))
                }
            }
        }
    }
}
