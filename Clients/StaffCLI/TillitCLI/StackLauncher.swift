import Foundation
import ServiceLifecycle
import TillitRPC
import TillitServiceKit

/// One service the launcher runs.
public struct StackServiceSpec: Sendable {
    /// A short name, e.g. `identity`.
    public var name: String
    /// The executable's path.
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// Its environment (the launcher adds `TILLIT_READY_FILE`).
    public var environment: [String: String]
    /// Where it is told to listen; port 0 means any free port. Health is probed at the address
    /// the child reports in its ready file, not here.
    public var address: ServiceAddress
    /// How Health is probed: TLS trusting the stack's CA and expecting the service's name for
    /// Tillit services; plaintext for stand-ins.
    public var transportSecurity: TransportSecurity
    /// Services of the same launcher that must be SERVING before this one starts; each one's
    /// reported address is passed in the dependency's environment variable.
    public var dependencies: [StackDependency]

    /// A spec.
    public init(
        name: String, executable: String, arguments: [String] = [], environment: [String: String],
        address: ServiceAddress, transportSecurity: TransportSecurity = .plaintext,
        dependencies: [StackDependency] = []
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.address = address
        self.transportSecurity = transportSecurity
        self.dependencies = dependencies
    }
}

/// What happened to a supervised service.
public enum StackEvent: Sendable, Equatable {
    /// The process was started.
    case started(service: String, pid: Int32)
    /// The process reported in its ready file that it listens on `address`, and Health there
    /// answered SERVING while the process was still running.
    case serving(service: String, pid: Int32, address: ServiceAddress)
    /// It exited on its own (or was killed) with this status; it will be restarted after `retryIn`.
    case crashed(service: String, status: Int32, retryIn: Duration)
    /// It could not be started at all.
    case failedToStart(service: String, reason: String)
    /// It is not started yet: it waits for these dependencies to be SERVING.
    case waiting(service: String, dependencies: [String])
    /// It is stopped and started again because a dependency is now SERVING at another address
    /// (it was restarted on a port it picked itself): `dependency` is at `address`.
    case dependencyMoved(service: String, dependency: String, address: ServiceAddress)
    /// It was stopped because the stack is shutting down.
    case stopped(service: String)
    /// Once SERVING: it serves Prometheus metrics at `address` (`GET /metrics`).
    case metrics(service: String, address: ServiceAddress)
}

/// Runs the services of the local stack: starts each, waits for it to report its bound address
/// in its ready file and for Health there to say SERVING, restarts a crashed one with backoff
/// (and says so), and on graceful shutdown (SIGTERM/SIGINT through a ServiceGroup) stops every
/// child — SIGTERM, then SIGKILL after the grace period — before returning, so no process is
/// left behind.
///
/// Each child gets `TILLIT_READY_FILE=<logDirectory>/<name>.ready` (deleted before every start)
/// and writes `host:port` and `pid <n>` there once it has bound (see `ReadyFile`). Only a file
/// naming the child's own pid counts, and Health is probed only at the address it names: the
/// child holds that listening socket, so an answer there is the child's, never another
/// process's that happens to listen on the port the child was told to use. A child that exits
/// before writing the file is `.crashed`, never SERVING.
///
/// A service with `dependencies` is started only once each of them is SERVING, with the address
/// each reported in its ready file (services are thereby started in dependency order, and one
/// told to use port 0 is still found); when a dependency is SERVING again at another address,
/// the dependent is stopped and started again with the new one.
public struct StackLauncher: Service {
    private let services: [StackServiceSpec]
    private let logDirectory: URL
    private let stopGrace: Duration
    private let initialBackoff: Duration
    private let maximumBackoff: Duration
    private let events: @Sendable (StackEvent) -> Void
    private let book: StackAddressBook

    /// A launcher for `services`, writing each one's output to `<logDirectory>/<name>.log` and
    /// its ready file to `<logDirectory>/<name>.ready`.
    public init(
        services: [StackServiceSpec],
        logDirectory: URL,
        stopGrace: Duration = .seconds(12),
        initialBackoff: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(15),
        events: @escaping @Sendable (StackEvent) -> Void
    ) {
        self.services = services
        self.logDirectory = logDirectory
        self.stopGrace = stopGrace
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        let book = StackAddressBook()
        self.book = book
        self.events = { event in
            // The address book is current before anyone hears of the event.
            switch event {
            case .serving(let service, _, let address): book.serving(service, at: address)
            case .crashed(let service, _, _), .stopped(let service): book.gone(service)
            case .dependencyMoved(let service, _, _): book.gone(service)
            default: break
            }
            events(event)
        }
    }

    /// Supervises every service until graceful shutdown or cancellation, then stops them all.
    public func run() async throws {
        // Graceful shutdown cancels the supervisors, each of which then stops its process.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for service in services {
                    group.addTask { await supervise(service) }
                }
            }
        }
    }

    /// What ended the watch of a running process.
    private enum Outcome {
        /// It exited with this status.
        case exited(Int32)
        /// The launcher is shutting down.
        case cancelled
        /// A dependency is SERVING at another address than the process was given.
        case dependencyMoved(String, ServiceAddress)
    }

    /// Keeps one service running until cancelled, then stops it.
    private func supervise(_ service: StackServiceSpec) async {
        var failures = 0
        let readyFile = readyFilePath(service)
        while !Task.isCancelled {
            guard let given = await dependencies(of: service) else { return }
            var environment = service.environment
            environment[ReadyFile.environmentVariable] = readyFile
            for dependency in service.dependencies {
                environment[dependency.environmentVariable] = given[dependency.service]?.description
            }
            let process: SupervisedProcess
            do {
                // A ready file left by an earlier run (or process) must not be taken for this one's.
                ReadyFile.remove(at: readyFile)
                process = try SupervisedProcess(
                    executable: service.executable, arguments: service.arguments,
                    environment: environment,
                    logFile: logDirectory.appendingPathComponent("\(service.name).log"))
            } catch {
                events(.failedToStart(service: service.name, reason: "\(error)"))
                failures += 1
                try? await Task.sleep(for: backoff(failures))
                continue
            }
            events(.started(service: service.name, pid: process.pid))
            let started = ContinuousClock.now
            let status: Int32
            switch await watch(service, process, readyFile: readyFile, dependencies: given) {
            case .cancelled:
                await process.stop(grace: stopGrace)
                events(.stopped(service: service.name))
                return
            case .dependencyMoved(let dependency, let address):
                events(.dependencyMoved(service: service.name, dependency: dependency, address: address))
                await process.stop(grace: stopGrace)
                failures = 0
                continue
            case .exited(let exitStatus):
                status = exitStatus
            }
            // A service that ran for a while before crashing starts its backoff afresh.
            failures = ContinuousClock.now - started > .seconds(30) ? 1 : failures + 1
            let wait = backoff(failures)
            events(.crashed(service: service.name, status: status, retryIn: wait))
            try? await Task.sleep(for: wait)
        }
    }

    /// Waits until every dependency of `service` is SERVING (saying so once if it has to wait)
    /// and returns their addresses; nil when the task was cancelled first.
    private func dependencies(of service: StackServiceSpec) async -> [String: ServiceAddress]? {
        let names = service.dependencies.map(\.service)
        var announced = false
        while !Task.isCancelled {
            if let found = book.addresses(of: names) { return found }
            if !announced {
                announced = true
                events(.waiting(service: service.name, dependencies: names))
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Where `service` writes its ready file.
    private func readyFilePath(_ service: StackServiceSpec) -> String {
        logDirectory.appendingPathComponent("\(service.name).ready").path
    }

    /// Waits for the process's ready file, then reports SERVING once Health at the bound address
    /// says so while the process still runs; then waits for the process to exit, or for a
    /// dependency to be SERVING at another address than `dependencies` (what the process was
    /// given), or for the task to be cancelled.
    private func watch(
        _ service: StackServiceSpec, _ process: SupervisedProcess, readyFile: String,
        dependencies: [String: ServiceAddress]
    ) async -> Outcome {
        var bound: ServiceAddress?
        var reportedServing = false
        while !Task.isCancelled {
            if let status = process.exitStatus { return .exited(status) }
            // A dependency that is down keeps the process running (it waits or reports itself
            // degraded); one that came back elsewhere means the process is looking in vain.
            for (dependency, given) in dependencies.sorted(by: { $0.key < $1.key }) {
                if let now = book.address(of: dependency), now != given {
                    return .dependencyMoved(dependency, now)
                }
            }
            if bound == nil, let ready = ReadyFile.read(from: readyFile), ready.pid == process.pid {
                bound = Self.probeAddress(ready.address)
            }
            if let address = bound, !reportedServing,
                await HealthProbe.check(
                    address, timeout: .seconds(2), security: service.transportSecurity) == .serving,
                // Still running after the answer: it held the listening socket all along, so the
                // answer was its own (a process that has exited, even unreaped, has closed it).
                process.isRunning
            {
                reportedServing = true
                events(.serving(service: service.name, pid: process.pid, address: address))
                if let metrics = ReadyFile.metricsAddress(from: readyFile) {
                    events(.metrics(service: service.name, address: Self.probeAddress(metrics)))
                }
                continue
            }
            try? await Task.sleep(for: .milliseconds(reportedServing ? 100 : 50))
        }
        return .cancelled
    }

    /// The address to probe for a bound address: a wildcard host is reached on loopback.
    static func probeAddress(_ address: ServiceAddress) -> ServiceAddress {
        switch address.host {
        case "0.0.0.0": ServiceAddress(host: "127.0.0.1", port: address.port)
        case "::", "::0": ServiceAddress(host: "::1", port: address.port)
        default: address
        }
    }

    private func backoff(_ failures: Int) -> Duration {
        let factor = 1 << min(max(failures - 1, 0), 10)
        return min(initialBackoff * factor, maximumBackoff)
    }
}
