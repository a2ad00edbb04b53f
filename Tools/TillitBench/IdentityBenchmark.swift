import ArgumentParser
import Foundation
import Logging
import Synchronization
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit

/// `tillit-bench identity`: runs an Identity server in this process (standard scrypt cost, a
/// fresh data directory) and measures CheckConsent under load and Health while logins hash.
struct IdentityBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "CheckConsent latency at 32 in flight; Health latency while 50 logins hash (release build)."
    )

    @Option(help: "Seconds of CheckConsent load.")
    var seconds: Double = 5

    @Option(help: "CheckConsent calls in flight.")
    var inFlight: Int = 32

    @Option(help: "Concurrent logins while Health is measured.")
    var logins: Int = 50

    @Option(
        help: """
            Measure a `tillit-identity` already listening on this port (empty database) instead of \
            one in this process, so client and server do not share a process.
            """)
    var serverPort: Int?

    func run() async throws {
        if let serverPort {
            // TLS trusting TILLIT_TLS_CA (or the local stack's CA), as `tillit` does.
            let rpc = RPCClient(
                host: "127.0.0.1", port: serverPort,
                configuration: RPCClientConfiguration(
                    transportSecurity: try TLSSettings.clientSecurity(for: .identity)))
            defer { rpc.close() }
            print("server: tillit-identity at 127.0.0.1:\(serverPort) (another process)")
            try await measure(rpc: rpc)
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-bench-identity-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try ServiceConfiguration(
            service: .identity,
            environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_DATA_DIR": directory])
        configuration.shutdownGracePeriod = .seconds(5)
        var identityConfiguration = IdentityConfiguration()
        // All logins come from one address: let the source limit admit them (the pairs' limit of
        // 5 at once is met by spreading them over accounts).
        identityConfiguration.throttle.addressFailures = 100_000
        print(
            "scrypt N=\(identityConfiguration.passwordParameters.n) r=\(identityConfiguration.passwordParameters.r) "
                + "p=\(identityConfiguration.passwordParameters.p); at most \(identityConfiguration.maxConcurrentHashes) hashes at once"
        )
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let host = try IdentityServer.makeHost(
            configuration: configuration, identity: identityConfiguration, logger: logger)
        let group = host.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await host.server.localPort
            // Identity made its development PKI under the temporary data folder.
            let rpc = RPCClient(
                host: "127.0.0.1", port: port,
                configuration: RPCClientConfiguration(
                    transportSecurity: try TLSSettings.clientSecurity(
                        for: .identity, environment: ["TILLIT_DATA_DIR": directory])))
            defer { rpc.close() }
            try await measure(rpc: rpc)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func measure(rpc: RPCClient) async throws {
        let identity = Tillit_Identity_V1_Identity.Client(rpc)
        let password = BenchPractice.password
        let practice = try await BenchPractice.bootstrap(identity) { print($0) }
        let organization = practice.organization
        let admin = practice.admin
        let clock = ContinuousClock()

        var client = Tillit_Identity_V1_CreateClientAccountRequest()
        client.displayName = "Klient"
        let clientID = try await identity.createClientAccount(client, options: admin).account.id
        var service = Tillit_Identity_V1_CreateServiceAccountRequest()
        service.displayName = "Booking"
        let serviceAccount = try await identity.createServiceAccount(service, options: admin)
        var serviceLogin = Tillit_Identity_V1_LoginServiceRequest()
        serviceLogin.organizationID.value = organization
        serviceLogin.accountID = serviceAccount.account.id
        serviceLogin.secret = serviceAccount.secret
        let serviceOptions = BenchPractice.auth(try await identity.loginService(serviceLogin).tokens.accessToken)
        var consent = Tillit_Identity_V1_RecordConsentRequest()
        consent.clientID = clientID
        consent.kind = .treatment
        consent.howGiven = "in writing at intake"
        _ = try await identity.recordConsent(consent, options: admin)

        var check = Tillit_Identity_V1_CheckConsentRequest()
        check.clientID = clientID
        check.kind = .treatment
        let checkRequest = check
        for _ in 0..<2_000 { _ = try await identity.checkConsent(checkRequest, options: serviceOptions) }
        let load = try await measureInFlight(inFlight, seconds: seconds) {
            let answer = try await identity.checkConsent(checkRequest, options: serviceOptions)
            precondition(answer.granted)
        }
        print(
            "CheckConsent, \(inFlight) in flight: \(Int(load.throughput)) calls/s  "
                + "p50 \(load.stats.p50) µs  p99 \(load.stats.p99) µs")

        // Health while `logins` logins (correct password, full scrypt cost) are hashing.
        var staffLogin = Tillit_Identity_V1_LoginRequest()
        staffLogin.organizationID.value = organization
        staffLogin.password = password
        // Login throttling admits at most 5 checks of one account from one source at once, so
        // the logins are spread over one account per 5 (with `--server-port`, start the server
        // with TILLIT_IDENTITY_SOURCE_FAILURES raised, since they all come from one address).
        let accounts = max(1, (logins + 4) / 5)
        for index in 0..<accounts {
            var staff = Tillit_Identity_V1_CreateStaffAccountRequest()
            staff.email = "staff\(index)@bench.se"
            staff.displayName = "Staff \(index)"
            staff.roles = [.scheduler]
            staff.initialPassword = password
            _ = try await identity.createStaffAccount(staff, options: admin)
        }
        let health = Tillit_Health_V1_Health.Client(rpc)
        let loginRequests = (0..<accounts).map { index in
            var request = staffLogin
            request.email = "staff\(index)@bench.se"
            return request
        }
        let loginsStart = clock.now
        let (healthLatencies, loginResults) = try await withThrowingTaskGroup(of: Void.self) { group in
            let results = LoginTally()
            for index in 0..<logins {
                let staffLoginRequest = loginRequests[index % accounts]
                group.addTask {
                    do {
                        _ = try await identity.login(
                            staffLoginRequest, options: CallOptions(timeout: .seconds(120)))
                        results.add(ok: true)
                    } catch {
                        results.add(ok: false)
                    }
                }
            }
            var healthLatencies = [UInt64]()
            try await Task.sleep(for: .milliseconds(50))
            while results.done < logins {
                let callStart = clock.now
                _ = try await health.check(.init())
                healthLatencies.append(UInt64((clock.now - callStart).nanoseconds))
                try await Task.sleep(for: .milliseconds(2))
            }
            try await group.waitForAll()
            return (healthLatencies, results)
        }
        let loginsElapsed = clock.now - loginsStart
        let healthStats = LatencyStats(healthLatencies)
        print(
            "\(logins) concurrent logins: \(loginResults.succeeded) ok, \(loginResults.done - loginResults.succeeded) refused, "
                + "\(String(format: "%.1f", loginsElapsed.seconds)) s (\(String(format: "%.1f", Double(logins) / loginsElapsed.seconds)) logins/s)"
        )
        print(
            "Health during the logins: p50 \(healthStats.p50) µs  p99 \(healthStats.p99) µs  (\(healthLatencies.count) calls)"
        )
    }
}

/// Counts finished logins across tasks.
private final class LoginTally: Sendable {
    private let counts = Mutex<(done: Int, ok: Int)>((0, 0))

    func add(ok: Bool) {
        counts.withLock {
            $0.done += 1
            if ok { $0.ok += 1 }
        }
    }

    var done: Int { counts.withLock { $0.done } }
    var succeeded: Int { counts.withLock { $0.ok } }
}
