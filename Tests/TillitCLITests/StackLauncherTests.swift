import Foundation
import Logging
import ServiceLifecycle
import Testing
import TillitCLI
import TillitServiceKit

@Suite struct StackLauncherTests {
    /// Two stand-in services (`tillit-bench serve` answers Health) under the launcher.
    @Test func restartsACrashedServiceAndStopsEverythingOnShutdown() async throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-stack-\(UUID())")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        var specs: [StackServiceSpec] = []
        for name in ["alpha", "beta"] {
            let port = try await freePort()
            specs.append(
                StackServiceSpec(
                    name: name, executable: Built.bench, arguments: ["serve", "--port", String(port)],
                    environment: ProcessInfo.processInfo.environment,
                    address: ServiceAddress(host: "127.0.0.1", port: port)))
        }
        let events = Recorder<StackEvent>()
        let launcher = StackLauncher(
            services: specs, logDirectory: logs, stopGrace: .seconds(5), initialBackoff: .milliseconds(100)
        ) { events.append($0) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: launcher)], logger: logger))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }

            func servingPIDs(_ service: String) -> [Int32] {
                events.all.compactMap { if case .serving(service, let pid) = $0 { pid } else { nil } }
            }
            #expect(await eventually { !servingPIDs("alpha").isEmpty && !servingPIDs("beta").isEmpty })
            let firstAlpha = try #require(servingPIDs("alpha").first)

            // SIGKILL one service: it is reported and restarted, and SERVING again.
            kill(firstAlpha, SIGKILL)
            #expect(await eventually { servingPIDs("alpha").count == 2 })
            #expect(events.all.contains { if case .crashed("alpha", _, _) = $0 { true } else { false } })
            let secondAlpha = try #require(servingPIDs("alpha").last)
            #expect(secondAlpha != firstAlpha)
            #expect(await HealthProbe.check(specs[0].address) == .serving)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()

            let pids = events.all.compactMap { if case .started(_, let pid) = $0 { pid } else { nil } }
            #expect(pids.count == 3)
            #expect(pids.allSatisfy { !isAlive($0) })
            #expect(events.all.filter { if case .stopped = $0 { true } else { false } }.count == 2)
        }
    }
}
