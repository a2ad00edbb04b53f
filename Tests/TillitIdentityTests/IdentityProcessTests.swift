import Foundation
import NIOPosix
import Testing
import TillitServiceKit
import TillitTesting

/// The `tillit-identity` executable as its own process.
@Suite(.timeLimit(.minutes(5)))
struct IdentityProcessTests {
    /// The executable built next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tillit-identity")
    }

    private static func process(environment: [String: String]) -> (TestProcess, Pipe) {
        let process = TestProcess()
        process.executableURL = executable
        // No backtrace collector: a crashing child must end at once, not hang the suite.
        process.environment = environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return (process, errors)
    }

    @Test func aBadConfigurationStopsItWithExitStatus78() async throws {
        let (process, errors) = Self.process(environment: ["TILLIT_LOG_FORMAT": "xml"])
        try process.run()
        let output = try await onOwnThread {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text
        }
        #expect(process.terminationStatus == 78)
        #expect(output.contains("configuration error: TILLIT_LOG_FORMAT"), "\(output)")
    }

    @Test func servesUntilSIGTERMAndExitsCleanly() async throws {
        try await withTemporaryDirectory { directory in
            let dataDirectory = directory.appendingPathComponent("data").path
            let (process, errors) = Self.process(environment: [
                "TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_DATA_DIR": dataDirectory,
            ])
            try process.run()
            let listening = try await onOwnThread { () -> Bool in
                var output = ""
                while !output.contains("msg=listening") {
                    let chunk = errors.fileHandleForReading.availableData
                    guard !chunk.isEmpty else { return false }
                    output += String(decoding: chunk, as: UTF8.self)
                }
                return true
            }
            guard listening else {
                Issue.record("tillit-identity exited before listening")
                return
            }
            process.terminate()  // SIGTERM
            try await onOwnThread { process.waitUntilExit() }
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
        try await withTemporaryDirectory { directory in
            let (process, errors) = Self.process(environment: [
                "TILLIT_IDENTITY_ADDR": "127.0.0.1:\(port)",
                "TILLIT_DATA_DIR": directory.appendingPathComponent("data").path,
            ])
            try process.run()
            let output = try await onOwnThread {
                let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return text
            }
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 69, "\(output)")
            #expect(
                output.contains("tillit-identity: cannot listen on 127.0.0.1:\(port): address in use\n"),
                "\(output)")
            #expect(!output.contains("Fatal error"), "\(output)")
        }
    }

    @Test func aBackupOfTheLiveDatabaseCarriesEachOrganisationsAuditCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data").path
            let backup = directory.appendingPathComponent("identity-backup.db").path
            try await withIdentity(dataDirectory: data) { harness in
                let practice = try await Practice.make(harness)
                // While the service runs: the online backup API copies one consistent snapshot.
                let (process, errors) = Self.process(environment: ["TILLIT_DATA_DIR": data])
                process.arguments = ["backup", backup]
                try process.run()
                let output = try await onOwnThread {
                    let text = String(
                        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    return text
                }
                #expect(process.terminationStatus == 0, "\(output)")
                for organization in [practice.organization, practice.otherOrganization] {
                    let path = "\(backup).audit-\(organization).checkpoint"
                    let contents = try #require(FileManager.default.contents(atPath: path), "\(path)")
                    let checkpoint = try #require(AuditCheckpoint(fileContents: contents))
                    #expect(checkpoint.organization == organization)
                    #expect(checkpoint.sequence > 0)
                }
                let ourFile = "\(backup).audit-\(practice.organization).checkpoint"
                let ourContents = try #require(FileManager.default.contents(atPath: ourFile))
                let ours = try #require(AuditCheckpoint(fileContents: ourContents))
                let verified = try await harness.identity.verifyAuditChain(
                    .with {
                        $0.checkpoint.sequence = UInt64(ours.sequence)
                        $0.checkpoint.hash = ours.hash
                        $0.checkpoint.organizationID = ours.organization
                    }, options: practice.options(.admin))
                #expect(verified.intact, "\(verified.problem)")
                // Another organisation's checkpoint is not this chain's.
                let foreign = try await harness.identity.verifyAuditChain(
                    .with {
                        $0.checkpoint.sequence = UInt64(ours.sequence)
                        $0.checkpoint.hash = ours.hash
                        $0.checkpoint.organizationID = practice.otherOrganization
                    }, options: practice.options(.admin))
                #expect(!foreign.intact)
                #expect(foreign.problem == "the checkpoint is of another organisation")
                // A second backup to the same place never overwrites the checkpoints.
                let (again, _) = Self.process(environment: ["TILLIT_DATA_DIR": data])
                again.arguments = ["backup", backup]
                try again.run()
                try await onOwnThread { again.waitUntilExit() }
                #expect(again.terminationStatus != 0)
            }
        }
    }
}
