import Foundation
import Synchronization
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// A server in its own process (`tillit-bench serve`), killed with SIGKILL or stopped with
/// SIGTERM while a call is in flight.
final class ServerProcess: Sendable {
    let process: TestProcess
    let port: Int
    private let lines = Mutex<[String]>([])

    private init(process: TestProcess, port: Int) {
        self.process = process
        self.port = port
    }

    /// The `tillit-bench` executable built next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tillit-bench")
    }

    /// Starts the child and waits (on a thread of its own, off the pool) for its `PORT` line.
    static func start(port: Int = 0) async throws -> ServerProcess {
        try await onOwnThread { try startBlocking(port: port) }
    }

    private static func startBlocking(port: Int) throws -> ServerProcess {
        let process = TestProcess()
        process.executableURL = executable
        process.arguments = ["serve", "--port", String(port)]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        // A crash (or SIGKILL) must not make the child spend seconds symbolicating a backtrace.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw RPCError(code: .unavailable, message: "server process exited early")
            }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let bound = Int(text.dropFirst(5)) else {
            throw RPCError(code: .internalError, message: "unexpected server output: \(text)")
        }
        let server = ServerProcess(process: process, port: bound)
        let reader = output.fileHandleForReading
        reader.readabilityHandler = { [weak server] handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: chunk, as: UTF8.self)
            server?.lines.withLock { $0 += text.split(separator: "\n").map(String.init) }
        }
        return server
    }

    /// Waits until the server printed `line` (its handler started a delayed call).
    func waitForLine(_ line: String, timeout: Duration = .seconds(10)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if lines.withLock({ $0.contains(line) }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; nil if it is still running after `timeout`.
    func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        let end = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.isRunning ? nil : process.terminationStatus
    }
}

@Suite(.timeLimit(.minutes(3))) struct ServerProcessTests {
    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: ServerProcess.executable.path))
    }

    @Test func killedServerGivesUnavailableAndTheClientReconnectsWhenItReturns() async throws {
        // The port stays ours while the server is down, so its restart cannot lose it.
        let reservation = try RefusingPort(reusable: true)
        defer { withExtendedLifetime(reservation) {} }
        let port = reservation.port
        let first = try await ServerProcess.start(port: port)
        let client = RPCClient(
            host: "127.0.0.1", port: port,
            configuration: RPCClientConfiguration(
                initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(200)))
        defer { client.close() }
        let echo = Tillit_Testing_V1_Echo.Client(client)
        #expect(try await echo.echo(echoRequest("before")).text == "before")

        let inFlight = Task { try await echo.echo(echoRequest("mid-call", delayMillis: 60_000)) }
        #expect(await first.waitForLine("STARTED mid-call"))
        first.signal(SIGKILL)
        let started = ContinuousClock.now
        await expectRPCError(.unavailable) { try await inFlight.value }
        // Generous: the machine may be busy; without the fix the call would wait its 30 s.
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await first.waitForExit() != nil)
        await expectRPCError(.unavailable) { try await echo.echo(echoRequest("while down")) }

        // Restarted on the same port, the same client gets through again.
        let second = try await ServerProcess.start(port: port)
        defer {
            second.signal(SIGKILL)
            second.process.waitUntilExit()
        }
        let end = ContinuousClock.now + .seconds(10)
        var answer: String?
        while answer == nil, ContinuousClock.now < end {
            do {
                answer = try await echo.echo(echoRequest("after restart")).text
            } catch let error as RPCError where error.code == .unavailable {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(answer == "after restart")
    }

    @Test func sigtermFinishesTheCallInFlightThenExits() async throws {
        let server = try await ServerProcess.start()
        let client = RPCClient(host: "127.0.0.1", port: server.port)
        defer { client.close() }
        let echo = Tillit_Testing_V1_Echo.Client(client)
        #expect(try await echo.echo(echoRequest("warm")).text == "warm")

        let inFlight = Task { try await echo.echo(echoRequest("finishing", delayMillis: 700)) }
        #expect(await server.waitForLine("STARTED finishing"))
        server.signal(SIGTERM)
        #expect(try await inFlight.value.text == "finishing")
        #expect(await server.waitForExit() == 0)
        await expectRPCError(.unavailable) { try await echo.echo(echoRequest("after exit")) }
    }
}
