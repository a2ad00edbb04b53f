import Foundation
import Testing
import TillitServiceKit

@testable import TillitCLI

/// Where `tillit` finds the services: flags, then environment, then the config file, then defaults.
@Suite(.timeLimit(.minutes(2))) struct ServiceAddressOptionsTests {
    private func withConfigDirectory(_ contents: String?, _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        if let contents {
            try Data(contents.utf8).write(to: directory.appendingPathComponent("config.json"))
        }
        try body(directory.path)
    }

    @Test func precedenceIsFlagsThenEnvironmentThenConfigFileThenDefaults() throws {
        try withConfigDirectory(#"{"addresses": {"identity": "10.0.0.5:7101", "notes": "10.0.0.6:9000"}}"#) {
            dir in
            let options = try ServiceAddressOptions.parse([])
            let fromFile = try options.resolve(environment: ["TILLIT_CONFIG_DIR": dir])
            #expect(fromFile[.identity] == ServiceAddress(host: "10.0.0.5", port: 7101))
            #expect(fromFile[.notes] == ServiceAddress(host: "10.0.0.6", port: 9000))
            #expect(fromFile[.booking] == ServiceAddress(host: "127.0.0.1", port: 7102))
            let fromEnvironment = try options.resolve(
                environment: ["TILLIT_CONFIG_DIR": dir, "TILLIT_IDENTITY_ADDR": "10.0.0.7:7101"])
            #expect(fromEnvironment[.identity] == ServiceAddress(host: "10.0.0.7", port: 7101))
            let flagged = try ServiceAddressOptions.parse(["--identity-addr", "10.0.0.8:7101"])
            let fromFlag = try flagged.resolve(
                environment: ["TILLIT_CONFIG_DIR": dir, "TILLIT_IDENTITY_ADDR": "10.0.0.7:7101"])
            #expect(fromFlag[.identity] == ServiceAddress(host: "10.0.0.8", port: 7101))
        }
    }

    @Test func aBadConfigFileIsAClearError() throws {
        try withConfigDirectory(#"{"addresses": {"billing": "1.2.3.4:1"}}"#) { dir in
            #expect(throws: (any Error).self) {
                try ServiceAddressOptions.parse([]).resolve(environment: ["TILLIT_CONFIG_DIR": dir])
            }
        }
        try withConfigDirectory("not json") { dir in
            #expect(throws: (any Error).self) {
                try ServiceAddressOptions.parse([]).resolve(environment: ["TILLIT_CONFIG_DIR": dir])
            }
        }
    }
}
