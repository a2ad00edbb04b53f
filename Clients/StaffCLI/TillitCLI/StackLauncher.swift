import Foundation
import ServiceLifecycle
import TillitServiceKit

/// One service the launcher runs.
public struct StackServiceSpec: Sendable {
    /// A short name, e.g. `identity`.
    public var name: String
    /// The executable's path.
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// Its environment.
    public var environment: [String: String]
    /// Where its Health answers.
    public var address: ServiceAddress

    /// A spec.
    public init(
        name: String, executable: String, arguments: [String] = [], environment: [String: String],
        address: ServiceAddress
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.address = address
    }
}

/// What happened to a supervised service.
public enum StackEvent: Sendable, Equatable {
    /// The process was started.
    case started(service: String, pid: Int32)
    /// Its Health answered SERVING.
    case serving(service: String, pid: Int32)
    /// It exited on its own (or was killed) with this status; it will be restarted after `retryIn`.
    case crashed(service: String, status: Int32, retryIn: Duration)
    /// It could not be started at all.
    case failedToStart(service: String, reason: String)
    /// It was stopped because the stack is shutting down.
    case stopped(service: String)
}

/// Runs the services of the local stack: starts each, waits for Health to say SERVING,
/// restarts a crashed one with backoff (and says so), and on graceful shutdown (SIGTERM/SIGINT
/// through a ServiceGroup) stops every child — SIGTERM, then SIGKILL after the grace period —
/// before returning, so no process is left behind.
public struct StackLauncher: Service {
    private let services: [StackServiceSpec]
    private let logDirectory: URL
    private let stopGrace: Duration
    private let initialBackoff: Duration
    private let maximumBackoff: Duration
    private let events: @Sendable (StackEvent) -> Void

    /// A launcher for `services`, writing each one's output to `<logDirectory>/<name>.log`.
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
        self.events = events
    }

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

    /// Keeps one service running until cancelled, then stops it.
    private func supervise(_ service: StackServiceSpec) async {
        var failures = 0
        while !Task.isCancelled {
            let process: SupervisedProcess
            do {
                process = try SupervisedProcess(
                    executable: service.executable, arguments: service.arguments,
                    environment: service.environment,
                    logFile: logDirectory.appendingPathComponent("\(service.name).log"))
            } catch {
                events(.failedToStart(service: service.name, reason: "\(error)"))
                failures += 1
                try? await Task.sleep(for: backoff(failures))
                continue
            }
            events(.started(service: service.name, pid: process.pid))
            let started = ContinuousClock.now
            // `watch` returns nil once the task is cancelled (graceful shutdown of the stack).
            let status = await watch(service, process)
            guard let status else {
                await process.stop(grace: stopGrace)
                events(.stopped(service: service.name))
                return
            }
            // A service that ran for a while before crashing starts its backoff afresh.
            failures = ContinuousClock.now - started > .seconds(30) ? 1 : failures + 1
            let wait = backoff(failures)
            events(.crashed(service: service.name, status: status, retryIn: wait))
            try? await Task.sleep(for: wait)
        }
    }

    /// Reports SERVING once Health says so, then waits for the process to exit; returns its
    /// status, or nil when the task was cancelled first.
    private func watch(_ service: StackServiceSpec, _ process: SupervisedProcess) async -> Int32? {
        var reportedServing = false
        while !Task.isCancelled {
            if let status = process.exitStatus { return status }
            if !reportedServing {
                if await HealthProbe.check(service.address, timeout: .milliseconds(500)) == .serving {
                    reportedServing = true
                    events(.serving(service: service.name, pid: process.pid))
                    continue
                }
            }
            try? await Task.sleep(for: .milliseconds(reportedServing ? 100 : 50))
        }
        return nil
    }

    private func backoff(_ failures: Int) -> Duration {
        let factor = 1 << min(max(failures - 1, 0), 10)
        return min(initialBackoff * factor, maximumBackoff)
    }
}
