import Foundation
import Testing
import TillitTesting

@testable import TillitServiceKit

/// Where the audit chain's keys come from: the environment (never echoed in an error) or a key
/// file created owner-only on first start.
@Suite(.timeLimit(.minutes(2))) struct AuditKeysTests {
    private let one = Data(repeating: 1, count: 32).base64EncodedString()
    private let two = Data(repeating: 2, count: 32).base64EncodedString()

    @Test func theDefaultIsAKeyFileBesideTheDatabase() throws {
        let configuration = try ServiceConfiguration(service: .booking, environment: [:])
        #expect(configuration.auditKeys.isEmpty)
        #expect(configuration.auditKeyVersion == nil)
        #expect(configuration.auditKeyFile == "./.tillit-data/booking-audit.key")
        let moved = try ServiceConfiguration(
            service: .booking, environment: ["TILLIT_AUDIT_KEY_FILE": "/etc/tillit/keys/booking-audit.key"])
        #expect(moved.auditKeyFile == "/etc/tillit/keys/booking-audit.key")
    }

    @Test func keysFromTheEnvironmentSealWithTheHighestVersionUnlessNamed() throws {
        let both = try ServiceConfiguration(
            service: .notes, environment: ["TILLIT_AUDIT_KEYS": "1:\(one),2:\(two)"])
        #expect(try AuditKeys.load(both).currentVersion == 2)
        let pinned = try ServiceConfiguration(
            service: .notes,
            environment: ["TILLIT_AUDIT_KEYS": "1:\(one),2:\(two)", "TILLIT_AUDIT_KEY_VERSION": "1"])
        #expect(try AuditKeys.load(pinned).currentVersion == 1)
    }

    @Test func malformedKeysAreRefusedWithoutEchoingThem() {
        let cases = [
            "0:\(one)",  // version 0 marks unsealed events
            "1:\(Data(repeating: 1, count: 16).base64EncodedString())",
            "1:\(one),1:\(two)",
            "1-\(one)",
            "1:not base64!",
        ]
        for value in cases {
            do {
                _ = try ServiceConfiguration(service: .booking, environment: ["TILLIT_AUDIT_KEYS": value])
                Issue.record("accepted \(value)")
            } catch let error as ConfigurationError {
                #expect(error.variable == "TILLIT_AUDIT_KEYS")
                #expect(!error.description.contains(one))
                #expect(!error.description.contains(two))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(
                service: .booking,
                environment: ["TILLIT_AUDIT_KEYS": "1:\(one)", "TILLIT_AUDIT_KEY_VERSION": "3"])
        }
    }

    @Test func theKeyFileIsCreatedOwnerOnlyOnceAndRefusedWhenOpened() throws {
        try withTemporaryDirectory { directory in
            let configuration = try ServiceConfiguration(
                service: .identity, environment: ["TILLIT_DATA_DIR": directory.path])
            let first = try AuditKeys.load(configuration)
            let again = try AuditKeys.load(configuration)
            #expect(first.currentVersion == 1)
            // The same key: the same MAC.
            let mac = { (keys: AuditKeys) in
                var authenticator = keys.current
                authenticator.update(data: Data("probe".utf8))
                return Data(authenticator.finalize())
            }
            #expect(mac(first) == mac(again))
            #expect(mac(first) != mac(AuditKeys.random()))
            let attributes = try FileManager.default.attributesOfItem(atPath: configuration.auditKeyFile)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(chmod(configuration.auditKeyFile, 0o644) == 0)
            #expect(throws: KeyFile.Failure.self) { try AuditKeys.load(configuration) }
        }
    }
}
