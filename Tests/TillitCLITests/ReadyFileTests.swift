import Foundation
import ServiceLifecycle
import Testing
import TillitCLI
import TillitServiceKit
import TillitTesting

/// The ready file (`TILLIT_READY_FILE`) the launcher relies on: its format, atomic 0600 write,
/// and that a `ServiceHost` told port 0 writes the port it actually bound.
@Suite(.timeLimit(.minutes(2))) struct ReadyFileTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-ready-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func writesAddressAndPidAtomicallyWithMode0600() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("svc.ready").path
        #expect(ReadyFile.read(from: path) == nil)
        try ReadyFile.write(address: ServiceAddress(host: "127.0.0.1", port: 40123), pid: 4242, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "127.0.0.1:40123\npid 4242\n")
        let ready = try #require(ReadyFile.read(from: path))
        #expect(ready.address == ServiceAddress(host: "127.0.0.1", port: 40123) && ready.pid == 4242)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Replacing leaves no temporary file behind.
        try ReadyFile.write(address: ServiceAddress(host: "::1", port: 7101), pid: 7, to: path)
        #expect(ReadyFile.read(from: path)?.address == ServiceAddress(host: "::1", port: 7101))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["svc.ready"])
        ReadyFile.remove(at: path)
        #expect(ReadyFile.read(from: path) == nil)
    }

    @Test(arguments: [
        "", "127.0.0.1:7101\n", "127.0.0.1:7101\npid x\n", "nonsense\npid 3\n", "127.0.0.1:1\npid 0\n",
    ])
    func malformedContentReadsAsNone(_ content: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("svc.ready").path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(ReadyFile.read(from: path) == nil)
    }

    @Test func configurationReadsTheVariableAndAcceptsPortZero() throws {
        let configuration = try ServiceConfiguration(
            service: .booking,
            environment: ["TILLIT_BOOKING_ADDR": "127.0.0.1:0", "TILLIT_READY_FILE": "/tmp/x.ready"])
        #expect(configuration.readyFile == "/tmp/x.ready")
        #expect(configuration.listenAddress == ServiceAddress(host: "127.0.0.1", port: 0))
        #expect(
            try ServiceConfiguration(service: .booking, environment: ["TILLIT_READY_FILE": ""]).readyFile
                == nil)
        #expect(try ServiceConfiguration(service: .booking, environment: [:]).readyFile == nil)
    }

    /// A real `ServiceHost` on port 0 writes the port it bound and this process's pid, and
    /// answers Health there.
    @Test func serviceHostWritesTheBoundAddress() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("booking.ready").path
        let configuration = try ServiceConfiguration(
            service: .booking,
            environment: ["TILLIT_BOOKING_ADDR": "127.0.0.1:0", "TILLIT_READY_FILE": path].merging(
                TestPKI.main.environment(for: "booking")) { own, _ in own })
        let host = try ServiceHost(configuration: configuration, services: [], verifier: nil)
        let group = host.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { ReadyFile.read(from: path) != nil })
            let ready = try #require(ReadyFile.read(from: path))
            let port = try await host.server.localPort
            #expect(port != 0)
            #expect(ready.address == ServiceAddress(host: "127.0.0.1", port: port))
            #expect(ready.pid == getpid())
            #expect(
                await HealthProbe.check(
                    ready.address, timeout: .seconds(10),
                    security: try TestPKI.main.client(serverName: "booking"))
                    == .serving)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
