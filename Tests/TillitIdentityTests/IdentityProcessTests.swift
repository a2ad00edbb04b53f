import Foundation
import Testing

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
        process.environment = environment
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
        try TestDatabase.withDirectory { directory in
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
}
