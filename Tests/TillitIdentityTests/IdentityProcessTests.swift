import Foundation
import NIOPosix
import Testing
import TillitTesting

/// The `tillit-identity` executable as its own process.
@Suite(.timeLimit(.minutes(5)))
struct IdentityProcessTests {
    /// The executable built next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tillit-identity")
    }

    private static func process(environment: [String: String]) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = executable
        // No backtrace collector: a crashing child must end at once, not hang the suite.
        process.environment = environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return (process, errors)
    }

    @Test func aBadConfigurationStopsItWithExitStatus78() throws {
        let (process, errors) = Self.process(environment: ["TILLIT_LOG_FORMAT": "xml"])
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(output.contains("configuration error: TILLIT_LOG_FORMAT"), "\(output)")
    }

    @Test func servesUntilSIGTERMAndExitsCleanly() throws {
        try withTemporaryDirectory { directory in
            let dataDirectory = directory.appendingPathComponent("data").path
            let (process, errors) = Self.process(environment: [
                "TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_DATA_DIR": dataDirectory,
            ])
            try process.run()
            var output = ""
            while !output.contains("msg=listening") {
                let chunk = errors.fileHandleForReading.availableData
                guard !chunk.isEmpty else {
                    Issue.record("tillit-identity exited before listening: \(output)")
                    return
                }
                output += String(decoding: chunk, as: UTF8.self)
            }
            process.terminate()  // SIGTERM
            process.waitUntilExit()
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
            #expect(FileManager.default.fileExists(atPath: dataDirectory + "/identity.db"))
        }
    }

    /// Regression: a port in use once crashed the debug build ("leaking promise", SIGILL).
    @Test func aPortInUseStopsItWithOneLineAndExitStatus69() async throws {
        let holder = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(holder.localAddress?.port)
        defer { holder.close(promise: nil) }
        try withTemporaryDirectory { directory in
            let (process, errors) = Self.process(environment: [
                "TILLIT_IDENTITY_ADDR": "127.0.0.1:\(port)",
                "TILLIT_DATA_DIR": directory.appendingPathComponent("data").path,
            ])
            try process.run()
            let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 69, "\(output)")
            #expect(
                output.contains("tillit-identity: cannot listen on 127.0.0.1:\(port): address in use\n"),
                "\(output)")
            #expect(!output.contains("Fatal error"), "\(output)")
        }
    }
}
