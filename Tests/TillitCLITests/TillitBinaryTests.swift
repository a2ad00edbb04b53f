import Foundation
import Testing
import TillitCLI
import TillitServiceKit
import TillitTesting

/// The real `tillit` binary.
@Suite(.timeLimit(.minutes(3))) struct TillitBinaryTests {
    @Test func healthOfAnUnreachableServiceExitsUnavailable() async throws {
        // Bound but not listening for the whole test: nothing can answer there.
        let refusing = try RefusingPort()
        let result = try await runTillit([
            "health", "identity", "--identity-addr", "127.0.0.1:\(refusing.port)",
        ])
        #expect(result.status == CLIExitCode.unavailable.rawValue)
        #expect(result.output.contains("UNREACHABLE"))
    }

    @Test func usageErrorsExit64() async throws {
        let result = try await runTillit(["health", "nonsense"])
        #expect(result.status == 64)
        #expect(result.output.contains("unknown service 'nonsense'"))
        let badAddress = try await runTillit(["health", "--identity-addr", "no-port"])
        #expect(badAddress.status == 64)
        #expect(badAddress.output.contains("TILLIT_IDENTITY_ADDR"))
    }

    /// `tillit stack up` with a stand-in `tillit-identity` (a script running `tillit-bench
    /// serve` on the identity port, here 0): SERVING at the address it bound, which the SERVING
    /// line prints, healthy by `tillit health`, and SIGTERM to the launcher leaves no child behind.
    @Test func stackUpServesAndSigtermLeavesNoOrphans() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-bin-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("tillit-identity")
        try "#!/bin/sh\nexec '\(Built.bench)' serve --port \"${TILLIT_IDENTITY_ADDR##*:}\"\n"
            .write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)

        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: Built.tillit)
        process.arguments = [
            "stack", "up", "--bin-dir", folder.path, "--data-dir", folder.appendingPathComponent("data").path,
            "--identity-addr", "127.0.0.1:0",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        // The stand-in speaks plaintext on loopback: the launcher and `tillit health` are told so.
        environment["TILLIT_TLS"] = "off"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        let lines = Recorder<String>()
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            lines.append(String(decoding: chunk, as: UTF8.self))
        }

        #expect(await eventually { lines.all.joined().contains("SERVING") })
        // `identity    SERVING       127.0.0.1:<port> pid <pid>`
        let line = try #require(lines.all.joined().split(separator: "\n").first { $0.contains("SERVING") })
        let words = line.split(separator: " ")
        let address = try #require(
            words.firstIndex(of: "SERVING").flatMap { ServiceAddress(parsing: String(words[$0 + 1])) })
        #expect(address.host == "127.0.0.1" && address.port != 0, "\(line)")
        let childPID = try #require(words.last.flatMap { Int32($0) }, "\(line)")
        let ready = ReadyFile.read(from: folder.appendingPathComponent("data/logs/identity.ready").path)
        #expect(ready?.address == address && ready?.pid == childPID)
        let health = try await runTillit(
            ["health", "identity", "--identity-addr", address.description, "--json"],
            environment: ["TILLIT_TLS": "off"])
        #expect(health.status == 0)
        #expect(health.output.contains("\"status\":\"SERVING\""))
        #expect(isAlive(childPID))
        defer { if isAlive(childPID) { kill(childPID, SIGKILL) } }

        kill(process.processIdentifier, SIGTERM)
        #expect(await eventually { !process.isRunning })
        #expect(process.terminationStatus == 0)
        #expect(!isAlive(childPID))
        #expect(await eventually { lines.all.joined().contains("All services stopped.") })
    }
}

/// Identity never answers: the revoked-session list of the service below is never loaded.
private struct UnreachableIdentity: RevokedSessionSource {
    struct Down: Error {}

    func revokedSessions(after cursor: String) async throws -> RevokedSessionPage {
        throw Down()
    }
}

@Suite(.timeLimit(.minutes(2))) struct HealthDegradedTests {
    /// A service whose list of ended sessions is stale is still SERVING (exit 0), and
    /// `tillit health` says why it is degraded.
    @Test func healthShowsWhyAServiceIsDegraded() async throws {
        try await withRunningService(
            .booking,
            makeHost: { configuration in
                try ServiceHost(
                    configuration: configuration, services: [], verifier: nil,
                    revocations: RevokedSessionPoller(source: UnreachableIdentity(), logger: quietLogger),
                    logger: quietLogger)
            }
        ) { running in
            #expect(await eventually { !running.host.health.problems().isEmpty })
            let json = try await runTillit(
                [
                    // The service is in this busy test process: give it time to answer.
                    "health", "booking", "--booking-addr", "127.0.0.1:\(running.port)", "--json", "--timeout",
                    "30",
                ], environment: ["TILLIT_TLS_CA": TestPKI.main.files.caCertificate])
            #expect(json.status == 0, "\(json.output)")
            #expect(json.output.contains("\"status\":\"SERVING\""), "\(json.output)")
            #expect(json.output.contains("\"degraded\":\"revoked-session list is stale"), "\(json.output)")
            let table = try await runTillit(
                [
                    "health", "booking", "--booking-addr", "127.0.0.1:\(running.port)", "--timeout", "30",
                ], environment: ["TILLIT_TLS_CA": TestPKI.main.files.caCertificate])
            #expect(table.status == 0, "\(table.output)")
            #expect(table.output.contains("degraded: revoked-session list is stale"), "\(table.output)")
        }
    }
}
