import Foundation
import Testing
import TillitRPC
import TillitServiceKit
import TillitTesting

/// TLS settings from the environment: on by default with the development PKI under the data
/// folder, explicit files, and plaintext only when asked for on loopback.
@Suite(.timeLimit(.minutes(2))) struct TLSConfigurationTests {
    @Test func tlsIsOnByDefaultWithTheDevelopmentFilesUnderTheDataFolder() throws {
        let configuration = try ServiceConfiguration(
            service: .notes, environment: ["TILLIT_DATA_DIR": "/var/lib/tillit"])
        let tls = try #require(configuration.tls)
        #expect(tls.certificateFile == "/var/lib/tillit/tls/notes.pem")
        #expect(tls.keyFile == "/var/lib/tillit/tls/notes-key.pem")
        #expect(tls.trustRootsFile == "/var/lib/tillit/tls/ca.pem")
        #expect(tls.developmentFolder == "/var/lib/tillit/tls")
    }

    @Test func explicitFilesAreUsedAndNothingIsGenerated() throws {
        let configuration = try ServiceConfiguration(
            service: .notes,
            environment: [
                "TILLIT_TLS_CERT": "/etc/t/n.pem", "TILLIT_TLS_KEY": "/etc/t/n.key",
                "TILLIT_TLS_CA": "/etc/t/ca",
            ])
        #expect(
            configuration.tls
                == TLSSettings(
                    certificateFile: "/etc/t/n.pem", keyFile: "/etc/t/n.key", trustRootsFile: "/etc/t/ca"))
    }

    @Test func plaintextIsAllowedOnLoopbackOnly() throws {
        for host in ["127.0.0.1", "127.8.9.10", "localhost", "[::1]"] {
            let configuration = try ServiceConfiguration(
                service: .notes, environment: ["TILLIT_TLS": "off", "TILLIT_NOTES_ADDR": "\(host):7103"])
            #expect(configuration.tls == nil, "\(host)")
        }
        for host in ["0.0.0.0", "10.0.0.7", "[::]", "notes.internal"] {
            let error = #expect(throws: ConfigurationError.self, "\(host)") {
                try ServiceConfiguration(
                    service: .notes, environment: ["TILLIT_TLS": "off", "TILLIT_NOTES_ADDR": "\(host):7103"])
            }
            #expect(error?.variable == "TILLIT_TLS")
        }
    }

    @Test func malformedSettingsNameTheirVariable() {
        let cases: [([String: String], String)] = [
            (["TILLIT_TLS": "maybe"], "TILLIT_TLS"),
            (["TILLIT_TLS_CERT": "/etc/t/n.pem"], "TILLIT_TLS_KEY"),
            (["TILLIT_TLS_KEY": "/etc/t/n.key"], "TILLIT_TLS_CERT"),
        ]
        for (environment, variable) in cases {
            let error = #expect(throws: ConfigurationError.self) {
                try ServiceConfiguration(service: .booking, environment: environment)
            }
            #expect(error?.variable == variable, "\(environment)")
        }
    }

    @Test func missingOrTooOpenFilesAreConfigurationErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = try ServiceConfiguration(
                service: .notes,
                environment: [
                    "TILLIT_TLS_CERT": directory.appendingPathComponent("none.pem").path,
                    "TILLIT_TLS_KEY": directory.appendingPathComponent("none-key.pem").path,
                ])
            let error = #expect(throws: ConfigurationError.self) { try missing.makeServerTransportSecurity() }
            #expect(error?.variable == "TILLIT_TLS_CERT")

            let pki = TestPKI.main.files
            let key = directory.appendingPathComponent("open-key.pem").path
            try FileManager.default.copyItem(atPath: pki.key(for: "notes"), toPath: key)
            #expect(chmod(key, 0o644) == 0)
            let open = try ServiceConfiguration(
                service: .notes,
                environment: [
                    "TILLIT_TLS_CERT": pki.certificate(for: "notes"), "TILLIT_TLS_KEY": key,
                    "TILLIT_TLS_CA": pki.caCertificate,
                ])
            let refused = #expect(throws: ConfigurationError.self) { try open.makeServerTransportSecurity() }
            #expect(refused?.variable == "TILLIT_TLS_KEY")
            #expect(refused?.message.contains("too open") == true)
        }
    }

    @Test func theDefaultsMakeTheDevelopmentPKIOnFirstUse() throws {
        try withTemporaryDirectory { directory in
            let configuration = try ServiceConfiguration(
                service: .booking, environment: ["TILLIT_DATA_DIR": directory.path])
            let server = try configuration.makeServerTransportSecurity()
            #expect(server.isTLS)
            let files = DevelopmentPKI.Files(folder: directory.appendingPathComponent("tls").path)
            for name in ["identity", "booking", "notes", "supervision"] {
                #expect(FileManager.default.fileExists(atPath: files.certificate(for: name)), "\(name)")
            }
            let client = try configuration.makeClientTransportSecurity(for: .identity)
            #expect(client.isTLS && client.serverName == "identity")
        }
    }

    @Test func theCLITrustsTheConfiguredCAOrTheDataFolders() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: ConfigurationError.self) {
                try TLSSettings.clientSecurity(
                    for: .identity, environment: ["TILLIT_DATA_DIR": directory.path])
            }
            try DevelopmentPKI.ensure(in: directory.appendingPathComponent("tls").path, names: ["identity"])
            let fromFolder = try TLSSettings.clientSecurity(
                for: .identity, environment: ["TILLIT_DATA_DIR": directory.path])
            #expect(fromFolder.isTLS && fromFolder.serverName == "identity")
            let explicit = try TLSSettings.clientSecurity(
                for: .notes, environment: ["TILLIT_TLS_CA": TestPKI.main.files.caCertificate])
            #expect(explicit.serverName == "notes")
            #expect(try !TLSSettings.clientSecurity(for: .identity, environment: ["TILLIT_TLS": "off"]).isTLS)
        }
    }
}
