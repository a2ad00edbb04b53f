import Foundation
import Testing
import TillitCLI
import TillitTesting

/// `tillit stack up --demo` with the real `tillit-identity`: seeds once, prints how to log in,
/// and on a second start only prints the hints again.
@Suite(.timeLimit(.minutes(5))) struct CLIDemoTests {
    /// Runs `tillit stack up --demo` (Identity on a port it picks, port 0) until `marker` appears
    /// in its output; returns the output.
    private func stackUp(folder: URL, until marker: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Built.tillit)
        process.arguments = [
            "stack", "up", "--demo", "--bin-dir", Built.directory.path, "--data-dir",
            folder.appendingPathComponent("data").path, "--identity-addr", "127.0.0.1:0",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["TILLIT_IDENTITY_SCRYPT_LOG2_N"] = "10"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        let chunks = Recorder<String>()
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            chunks.append(String(decoding: chunk, as: UTF8.self))
        }
        try process.run()
        let seen = await eventually(timeout: .seconds(90)) { chunks.all.joined().contains(marker) }
        process.terminate()
        try await onOwnThread { process.waitUntilExit() }
        let text = chunks.all.joined()
        try #require(seen, "no '\(marker)' in: \(text)")
        return text
    }

    @Test func seedsADemoPracticeOnceAndPrintsHowToLogIn() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-demo-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await stackUp(folder: folder, until: "all staff enrol two-factor at first login")
        #expect(first.contains("demo: seeded Demo Practice"), "\(first)")
        #expect(first.contains("admin@demo.tillit.test") && first.contains(DemoSeederPassword.value))
        #expect(first.contains("tillit org update --staff-totp off"), "says how the demo staff log in")
        let line = try #require(first.split(separator: "\n").first { $0.contains("organisation id:") })
        let org = String(line.split(separator: " ").last!)

        // Identity is stopped with the stack; start it again on its own and look around.
        let second = try await stackUp(folder: folder, until: "all staff enrol two-factor at first login")
        #expect(second.contains("already seeded") && second.contains(org), "\(second)")
        #expect(!second.contains("demo: seeded"))
    }
}

/// The demo password, as the seeder prints it.
enum DemoSeederPassword {
    static let value = "tillit-demo-password"
}
