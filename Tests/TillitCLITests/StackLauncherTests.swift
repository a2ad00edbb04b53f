import Foundation
import Logging
import ServiceLifecycle
import Testing
import TillitCLI
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The stack launcher with real child processes (`tillit-bench serve` answers Health and writes
/// its ready file) on ports they bind themselves.
@Suite(.timeLimit(.minutes(3))) struct StackLauncherTests {
    /// The environment of a test's children: a crash ends them at once (no backtracer).
    static var childEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment
    }

    /// A spec running `tillit-bench serve --port <port>`.
    static func bench(_ name: String, port: Int = 0) -> StackServiceSpec {
        StackServiceSpec(
            name: name, executable: Built.bench, arguments: ["serve", "--port", String(port)],
            environment: childEnvironment, address: ServiceAddress(host: "127.0.0.1", port: port))
    }

    /// Runs `specs` under a launcher while `body` runs, then shuts it down gracefully and waits.
    /// Returns every event.
    static func withLauncher(
        _ specs: [StackServiceSpec], logs: URL,
        _ body: (Recorder<StackEvent>) async throws -> Void
    ) async throws -> [StackEvent] {
        let events = Recorder<StackEvent>()
        let launcher = StackLauncher(
            services: specs, logDirectory: logs, stopGrace: .seconds(5), initialBackoff: .milliseconds(100),
            maximumBackoff: .milliseconds(400)
        ) { events.append($0) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: launcher)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(events)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return events.all
    }

    /// A temporary log folder.
    static func logFolder() throws -> URL {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-stack-\(UUID())")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        return logs
    }

    static func serving(_ events: [StackEvent], _ service: String) -> [(pid: Int32, address: ServiceAddress)]
    {
        events.compactMap {
            if case .serving(service, let pid, let address) = $0 { (pid, address) } else { nil }
        }
    }

    static func crashes(_ events: [StackEvent], _ service: String) -> [Int32] {
        events.compactMap { if case .crashed(service, let status, _) = $0 { status } else { nil } }
    }

    static func started(_ events: [StackEvent]) -> [Int32] {
        events.compactMap { if case .started(_, let pid) = $0 { pid } else { nil } }
    }

    /// Two services on ephemeral ports: each is SERVING at the address its ready file names;
    /// after SIGKILL one is reported, restarted with a new pid and a fresh ready file, and
    /// SERVING again; shutdown stops every child.
    @Test func restartsACrashedServiceAndStopsEverythingOnShutdown() async throws {
        let logs = try Self.logFolder()
        defer { try? FileManager.default.removeItem(at: logs) }
        let readyAlpha = logs.appendingPathComponent("alpha.ready").path

        let events = try await Self.withLauncher([Self.bench("alpha"), Self.bench("beta")], logs: logs) {
            events in
            // Two debug children starting on a machine kept busy by a parallel build: give them time.
            #expect(
                await eventually(timeout: .seconds(60)) {
                    !Self.serving(events.all, "alpha").isEmpty && !Self.serving(events.all, "beta").isEmpty
                })
            let first = try #require(Self.serving(events.all, "alpha").first)
            let beta = try #require(Self.serving(events.all, "beta").first)
            #expect(first.address.port != 0 && beta.address.port != 0)
            #expect(first.address != beta.address)
            let ready = try #require(ReadyFile.read(from: readyAlpha))
            #expect(ready.pid == first.pid && ready.address == first.address)
            #expect(await HealthProbe.check(first.address, timeout: .seconds(10)) == .serving)

            // SIGKILL one service: it is reported and restarted, and SERVING again.
            kill(first.pid, SIGKILL)
            #expect(await eventually(timeout: .seconds(60)) { Self.serving(events.all, "alpha").count == 2 })
            #expect(Self.crashes(events.all, "alpha") == [SIGKILL])
            let second = try #require(Self.serving(events.all, "alpha").last)
            #expect(second.pid != first.pid)
            let fresh = try #require(ReadyFile.read(from: readyAlpha))
            #expect(fresh.pid == second.pid && fresh.address == second.address)
            #expect(await HealthProbe.check(second.address, timeout: .seconds(10)) == .serving)
            #expect(Self.serving(events.all, "beta").count == 1)
        }

        let pids = Self.started(events)
        #expect(pids.count == 3)
        #expect(pids.allSatisfy { !isAlive($0) })
        #expect(events.filter { if case .stopped = $0 { true } else { false } }.count == 2)
    }

    /// The CI failure: another process answers Health SERVING on the port a child was told to
    /// use, so the child cannot bind and exits. The launcher must say CRASHED, never SERVING.
    @Test func aForeignServerOnTheChildsPortIsNeverTakenForTheChild() async throws {
        let logs = try Self.logFolder()
        defer { try? FileManager.default.removeItem(at: logs) }
        var logger = Logger(label: "foreign")
        logger.logLevel = .critical
        try await withRPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: 0),
            services: [HealthService(services: [])], logger: logger
        ) { foreign in
            let port = try await foreign.localPort
            let taken = ServiceAddress(host: "127.0.0.1", port: port)
            // Generous timeouts: this probe checks the test's setup on a busy machine.
            let before = await HealthProbe.check(taken, timeout: .seconds(10))
            #expect(before == .serving, "\(before)")

            let events = try await Self.withLauncher([Self.bench("victim", port: port)], logs: logs) {
                events in
                #expect(await eventually { Self.crashes(events.all, "victim").count >= 3 })
            }
            #expect(Self.serving(events, "victim").isEmpty, "\(events)")
            let statuses = Self.crashes(events, "victim")
            #expect(statuses.count >= 3)
            // It says why in one line and exits 69, instead of crashing (it once died of a leaked promise).
            #expect(statuses.allSatisfy { $0 == ServiceExit.cannotListen }, "\(statuses)")
            #expect(Self.started(events).allSatisfy { !isAlive($0) })
            // The trap was armed the whole time: the foreign server still answers SERVING there.
            let after = await HealthProbe.check(taken, timeout: .seconds(10))
            #expect(after == .serving, "\(after)")
            // It never bound, so it never wrote a ready file.
            #expect(ReadyFile.read(from: logs.appendingPathComponent("victim.ready").path) == nil)
            let log =
                (try? String(contentsOf: logs.appendingPathComponent("victim.log"), encoding: .utf8)) ?? ""
            #expect(log.contains("cannot listen on 127.0.0.1:\(taken.port): address in use"), "\(log)")
            #expect(!log.contains("Fatal error"), "\(log)")
        }
    }

    /// A child that exits before writing its ready file is CRASHED with its status.
    @Test func aChildThatExitsBeforeItIsReadyIsCrashed() async throws {
        let logs = try Self.logFolder()
        defer { try? FileManager.default.removeItem(at: logs) }
        let spec = StackServiceSpec(
            name: "quitter", executable: "/bin/sh", arguments: ["-c", "exit 3"],
            environment: Self.childEnvironment, address: ServiceAddress(host: "127.0.0.1", port: 0))
        let events = try await Self.withLauncher([spec], logs: logs) { events in
            #expect(await eventually { Self.crashes(events.all, "quitter").count >= 2 })
        }
        #expect(Self.serving(events, "quitter").isEmpty)
        #expect(Self.crashes(events, "quitter").allSatisfy { $0 == 3 })
    }

    /// A ready file naming another pid (stale, or written by someone else) is not the child's:
    /// even with a SERVING server at the address it names, the child is not SERVING.
    @Test func aReadyFileOfAnotherProcessIsIgnored() async throws {
        let logs = try Self.logFolder()
        defer { try? FileManager.default.removeItem(at: logs) }
        var logger = Logger(label: "foreign")
        logger.logLevel = .critical
        try await withRPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: 0),
            services: [HealthService(services: [])], logger: logger
        ) { foreign in
            let port = try await foreign.localPort
            // Claims the foreign server's address for pid 1, then stays alive without listening.
            let script = "printf '127.0.0.1:\(port)\\npid 1\\n' > \"$TILLIT_READY_FILE\"; exec sleep 60"
            let spec = StackServiceSpec(
                name: "impostor", executable: "/bin/sh", arguments: ["-c", script],
                environment: Self.childEnvironment, address: ServiceAddress(host: "127.0.0.1", port: port))
            let ready = logs.appendingPathComponent("impostor.ready").path
            let events = try await Self.withLauncher([spec], logs: logs) { events in
                #expect(await eventually { ReadyFile.read(from: ready)?.pid == 1 })
                // Give the launcher ample time to (wrongly) probe and report.
                try await Task.sleep(for: .seconds(2))
            }
            #expect(Self.serving(events, "impostor").isEmpty, "\(events)")
            #expect(Self.started(events).count == 1)
            #expect(Self.started(events).allSatisfy { !isAlive($0) })
        }
    }
}
