import Foundation
import Synchronization
import TillitCLI
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The four `tillit-*` processes of an `IntegrationStack`: one data folder, the test PKI, each
/// service on port 0 behind a relay whose port is its stable address, started in call order
/// with the relays' addresses of the services it calls.
final class LocalProcesses: Sendable {
    /// Identity's bootstrap secret in these processes.
    static let bootstrapSecret = "integration-bootstrap-secret"

    let folder: URL
    private let relays: [ServiceName: TCPRelay]
    private let state: Mutex<State>

    private struct State {
        var children: [ServiceName: ChildProcess] = [:]
        /// Logs of earlier runs of a service (before a restart), oldest first.
        var earlierLogs: [ServiceName: [String]] = [:]
    }

    private init(folder: URL, relays: [ServiceName: TCPRelay], children: [ServiceName: ChildProcess]) {
        self.folder = folder
        self.relays = relays
        state = Mutex(State(children: children))
    }

    /// The relays' addresses.
    var addresses: [ServiceName: ServiceAddress] {
        relays.mapValues { ServiceAddress(host: "127.0.0.1", port: $0.port) }
    }

    /// TLS trusting the test PKI, expecting each service's name.
    func securities() throws -> [ServiceName: TransportSecurity] {
        var securities: [ServiceName: TransportSecurity] = [:]
        for service in IntegrationStack.order {
            securities[service] = try TestPKI.main.client(serverName: service.rawValue)
        }
        return securities
    }

    /// Starts the four services in order and waits until each is SERVING.
    static func start() async throws -> LocalProcesses {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-journeys-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var relays: [ServiceName: TCPRelay] = [:]
        var children: [ServiceName: ChildProcess] = [:]
        do {
            for service in IntegrationStack.order {
                let (child, port) = try await launch(service, folder: folder, relays: relays)
                children[service] = child
                relays[service] = try await TCPRelay.start(to: port)
            }
        } catch {
            for child in children.values { _ = await child.stop() }
            for relay in relays.values { await relay.close() }
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        return LocalProcesses(folder: folder, relays: relays, children: children)
    }

    /// Starts `service` on port 0 with the relays of what it calls; waits until SERVING.
    private static func launch(_ service: ServiceName, folder: URL, relays: [ServiceName: TCPRelay])
        async throws -> (ChildProcess, Int)
    {
        var environment = TestPKI.main.environment(for: service.rawValue)
        environment["TILLIT_DATA_DIR"] = folder.appendingPathComponent("data").path
        environment[service.addressVariable] = "127.0.0.1:0"
        for (other, relay) in relays { environment[other.addressVariable] = "127.0.0.1:\(relay.port)" }
        switch service {
        case .identity:
            environment["TILLIT_IDENTITY_SCRYPT_LOG2_N"] = "10"
            environment["TILLIT_IDENTITY_BOOTSTRAP_SECRET"] = bootstrapSecret
        case .booking:
            environment["TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS"] = "30000"
            environment["TILLIT_BOOKING_HOUSEKEEPING_SECONDS"] = "1"
        case .notes: environment["TILLIT_NOTES_DEPENDENCY_TIMEOUT_MILLIS"] = "30000"
        case .supervision: environment["TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS"] = "30000"
        }
        let child = try ChildProcess(
            executable: Built.path("tillit-\(service.rawValue)"), environment: environment,
            name: service.rawValue)
        do {
            let bound = try await child.boundAddress()
            let security = try TestPKI.main.client(serverName: service.rawValue)
            let end = ContinuousClock.now + .seconds(90)
            while await HealthProbe.check(bound, timeout: .seconds(2), security: security) != .serving {
                guard ContinuousClock.now < end, child.exitStatus == nil else {
                    throw IntegrationFailure(
                        "tillit-\(service.rawValue) did not become SERVING; its log:\n\(child.log)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return (child, bound.port)
        } catch {
            _ = await child.stop()
            throw error
        }
    }

    /// SIGKILLs `service`, starts it again on the same data and points its relay at it.
    func killAndRestart(_ service: ServiceName) async throws {
        guard let child = state.withLock({ $0.children[service] }), let relay = relays[service] else {
            return
        }
        child.signal(SIGKILL)
        _ = await child.waitForExit(timeout: .seconds(30))
        let log = child.log
        state.withLock { $0.earlierLogs[service, default: []].append(log) }
        relay.cut()
        let others = relays.filter { $0.key != service }
        let (restarted, port) = try await Self.launch(service, folder: folder, relays: others)
        state.withLock { $0.children[service] = restarted }
        relay.retarget(to: port)
        relay.restore()
    }

    /// Every service's log: earlier runs and the current one.
    func logs() -> String {
        let (children, earlier) = state.withLock { ($0.children, $0.earlierLogs) }
        return IntegrationStack.order.map { service in
            let runs = (earlier[service] ?? []) + [children[service]?.log ?? ""]
            return runs.enumerated().map { index, log in
                "--- tillit-\(service.rawValue) log\(runs.count > 1 ? " (run \(index + 1))" : "") ---\n\(log)"
            }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Stops every service (SIGTERM, in reverse order), the relays, and removes the folder.
    func stop() async {
        let children = state.withLock { $0.children }
        for service in IntegrationStack.order.reversed() {
            if let child = children[service] { _ = await child.stop() }
        }
        for relay in relays.values { await relay.close() }
        try? FileManager.default.removeItem(at: folder)
    }
}
