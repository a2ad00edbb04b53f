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
@Suite(.timeLimit(.minutes(4))) struct StackLauncherTests {
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

    /// A dependent starts only once its dependency is SERVING, with the address the dependency
    /// reported (it was told port 0); when the dependency comes back at another address, the
    /// dependent is restarted with the new one.
    @Test func aDependentStartsAfterItsDependencyWithItsReportedAddress() async throws {
        let logs = try Self.logFolder()
        defer { try? FileManager.default.removeItem(at: logs) }
        let seen = logs.appendingPathComponent("beta-saw").path
        // Notes the address it was given, then serves on a port of its own.
        let script = "printf '%s\\n' \"$ALPHA_ADDR\" >> '\(seen)'; exec '\(Built.bench)' serve --port 0"
        let beta = StackServiceSpec(
            name: "beta", executable: "/bin/sh", arguments: ["-c", script],
            environment: Self.childEnvironment,
            address: ServiceAddress(host: "127.0.0.1", port: 0),
            dependencies: [StackDependency(service: "alpha", environmentVariable: "ALPHA_ADDR")])
        func given() -> [String] {
            ((try? String(contentsOfFile: seen, encoding: .utf8)) ?? "").split(separator: "\n").map(
                String.init)
        }

        let events = try await Self.withLauncher([beta, Self.bench("alpha")], logs: logs) { events in
            #expect(
                await eventually(timeout: .seconds(60)) {
                    !Self.serving(events.all, "alpha").isEmpty && !Self.serving(events.all, "beta").isEmpty
                })
            let alpha = try #require(Self.serving(events.all, "alpha").first)
            let all = events.all
            let alphaServing = try #require(
                all.firstIndex { if case .serving("alpha", _, _) = $0 { true } else { false } })
            let betaStarted = try #require(
                all.firstIndex { if case .started("beta", _) = $0 { true } else { false } })
            #expect(alphaServing < betaStarted, "\(all)")
            #expect(given() == [alpha.address.description], "\(given())")

            // Alpha dies and comes back on a port it picks again.
            kill(alpha.pid, SIGKILL)
            #expect(await eventually(timeout: .seconds(60)) { Self.serving(events.all, "alpha").count == 2 })
            let back = try #require(Self.serving(events.all, "alpha").last)
            if back.address == alpha.address {
                // The kernel handed out the same port again: beta's address is still right.
                try await Task.sleep(for: .milliseconds(500))
                #expect(Self.serving(events.all, "beta").count == 1, "\(events.all)")
            } else {
                #expect(
                    await eventually(timeout: .seconds(60)) { Self.serving(events.all, "beta").count == 2 },
                    "\(events.all)")
                #expect(
                    events.all.contains(
                        .dependencyMoved(service: "beta", dependency: "alpha", address: back.address)),
                    "\(events.all)")
                #expect(given() == [alpha.address.description, back.address.description], "\(given())")
            }
        }
        #expect(events.contains(.waiting(service: "beta", dependencies: ["alpha"])), "\(events)")
        #expect(Self.started(events).allSatisfy { !isAlive($0) })
    }

    /// `tillit stack up` with the real `tillit-identity`, `tillit-booking` and `tillit-notes`,
    /// all told port 0: Booking starts after Identity is SERVING, with the address Identity
    /// reported, Notes after both, with both reported addresses; each is SERVING (and not
    /// degraded: it reaches Identity) at the address it reported; `tillit health` says so for
    /// each; SIGTERM stops them all.
    @Test func stackUpStartsBookingAfterIdentityAndNotesAfterBothWithTheirReportedAddresses() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-stack-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bin = try StackUpProcess.binaries(in: folder)
        let data = folder.appendingPathComponent("data")
        let stack = try StackUpProcess([
            "--bin-dir", bin.path, "--data-dir", data.path, "--identity-addr", "127.0.0.1:0",
            "--booking-addr", "127.0.0.1:0", "--notes-addr", "127.0.0.1:0",
        ])
        #expect(await stack.waitFor("booking     SERVING"), "\(stack.output)")
        #expect(await stack.waitFor("notes       SERVING"), "\(stack.output)")
        let identity = try #require(stack.serving("identity"), "\(stack.output)")
        let booking = try #require(stack.serving("booking"), "\(stack.output)")
        let notes = try #require(stack.serving("notes"), "\(stack.output)")
        defer {
            for pid in [identity.pid, booking.pid, notes.pid] where isAlive(pid) { kill(pid, SIGKILL) }
        }
        #expect(
            identity.address.port != 0 && booking.address.port != 0 && notes.address.port != 0,
            "\(stack.output)")
        let identityServing = try #require(stack.firstLine("identity", "SERVING"))
        let bookingStarting = try #require(stack.firstLine("booking", "STARTING"))
        #expect(identityServing < bookingStarting, "\(stack.output)")
        #expect(stack.firstLine("booking", "WAITING") != nil, "\(stack.output)")
        let ready = ReadyFile.read(from: data.appendingPathComponent("logs/booking.ready").path)
        #expect(ready?.address == booking.address && ready?.pid == booking.pid)
        // What Booking was given: Identity's bound address, not the port 0 it was told.
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(booking.pid)/environ"))
        let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let given = variables.first { $0.hasPrefix("TILLIT_IDENTITY_ADDR=") }
        #expect(given == "TILLIT_IDENTITY_ADDR=\(identity.address)")
        // Notes starts once both are SERVING, and is given both bound addresses.
        let notesStarting = try #require(stack.firstLine("notes", "STARTING"))
        let bookingServing = try #require(stack.firstLine("booking", "SERVING"))
        #expect(identityServing < notesStarting && bookingServing < notesStarting, "\(stack.output)")
        #expect(stack.firstLine("notes", "WAITING") != nil, "\(stack.output)")
        #expect(stack.output.contains("for identity, booking to be SERVING"), "\(stack.output)")
        let notesEnviron = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(notes.pid)/environ"))
        let notesVariables = Set(notesEnviron.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
        #expect(notesVariables.contains("TILLIT_IDENTITY_ADDR=\(identity.address)"), "\(notesVariables)")
        #expect(notesVariables.contains("TILLIT_BOOKING_ADDR=\(booking.address)"), "\(notesVariables)")

        let tls = ["TILLIT_TLS_CA": data.appendingPathComponent("tls/ca.pem").path]
        for (service, address) in [
            ("identity", identity.address), ("booking", booking.address), ("notes", notes.address),
        ] {
            let health = try await runTillit(
                ["health", service, "--\(service)-addr", address.description, "--json", "--timeout", "10"],
                environment: tls)
            #expect(health.status == 0, "\(health.output)")
            #expect(health.output.contains("\"status\":\"SERVING\""), "\(health.output)")
        }
        // Booking's and Notes' lists of ended sessions are fresh: they poll Identity at the right
        // address.
        for (service, address) in [("booking", booking.address), ("notes", notes.address)] {
            #expect(
                await eventually(timeout: .seconds(30), interval: .milliseconds(500)) {
                    let health = try? await runTillit(
                        [
                            "health", service, "--\(service)-addr", address.description, "--json",
                            "--timeout", "10",
                        ],
                        environment: tls)
                    return health?.status == 0 && health?.output.contains("degraded") == false
                }, "\(service)")
        }
        // `tillit health` (all) probes Notes too, at its address.
        let all = try await runTillit(
            [
                "health", "--identity-addr", identity.address.description, "--booking-addr",
                booking.address.description, "--notes-addr", notes.address.description, "--timeout", "10",
            ], environment: tls)
        let notesRow = all.output.split(separator: "\n").first { $0.hasPrefix("notes ") }
        #expect(
            notesRow?.contains("\(notes.address)") == true && notesRow?.contains("SERVING") == true, "\(all)")

        #expect(try await stack.stop() == 0, "\(stack.output)")
        #expect(!isAlive(identity.pid) && !isAlive(booking.pid) && !isAlive(notes.pid))
        #expect(stack.output.contains("All services stopped."), "\(stack.output)")
    }
}
