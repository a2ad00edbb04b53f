import Foundation
import Testing
import TillitServiceKit
import TillitTesting
import X509

/// The development CA and per-service certificates: what they name, how the files are made, and
/// that later starts keep them.
@Suite(.timeLimit(.minutes(2))) struct DevelopmentPKITests {
    func certificate(_ path: String) throws -> Certificate {
        try Certificate(
            pemEncoded: String(
                decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self))
    }

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func makesACAAndServiceCertificatesNamingTheServiceAndLoopback() throws {
        try withTemporaryDirectory { directory in
            let folder = directory.appendingPathComponent("data/tls").path
            let files = try DevelopmentPKI.ensure(in: folder, names: ["identity", "notes"])
            #expect(try mode(folder) == 0o700)
            for path in [
                files.caCertificate, files.caKey, files.certificate(for: "identity"),
                files.key(for: "identity"),
            ] {
                #expect(try mode(path) == 0o600, "\(path)")
            }
            let ca = try certificate(files.caCertificate)
            #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
            let identity = try certificate(files.certificate(for: "identity"))
            #expect(identity.issuer == ca.subject)
            #expect(try identity.extensions.basicConstraints == .notCertificateAuthority)
            let names = try #require(try identity.extensions.subjectAlternativeNames)
            #expect(names.contains(.dnsName("identity")) && names.contains(.dnsName("localhost")))
            #expect(names.contains(.ipAddress(.init(contentBytes: [127, 0, 0, 1]))))
            #expect(!names.contains(.dnsName("notes")))
            let usage = try #require(try identity.extensions.extendedKeyUsage)
            #expect(usage.contains(.serverAuth) && usage.contains(.clientAuth))
            // Signed by the CA.
            let publicKey = ca.publicKey
            #expect(publicKey.isValidSignature(identity.signature, for: identity))
        }
    }

    @Test func laterStartsKeepTheFilesAndAddOnlyWhatIsMissing() throws {
        try withTemporaryDirectory { directory in
            let folder = directory.path
            let files = try DevelopmentPKI.ensure(in: folder, names: ["identity"])
            let before = try [
                files.caCertificate, files.caKey, files.certificate(for: "identity"),
                files.key(for: "identity"),
            ]
            .map { try #require(FileManager.default.contents(atPath: $0)) }
            try DevelopmentPKI.ensure(in: folder, names: ["identity", "booking"])
            let after = try [
                files.caCertificate, files.caKey, files.certificate(for: "identity"),
                files.key(for: "identity"),
            ]
            .map { try #require(FileManager.default.contents(atPath: $0)) }
            #expect(before == after)
            let booking = try certificate(files.certificate(for: "booking"))
            #expect(booking.issuer == (try certificate(files.caCertificate)).subject)
            // A deleted certificate is made anew from the kept key and CA (rotation).
            let oldBooking = try #require(
                FileManager.default.contents(atPath: files.certificate(for: "booking")))
            try FileManager.default.removeItem(atPath: files.certificate(for: "booking"))
            try DevelopmentPKI.ensure(in: folder, names: ["booking"])
            let newBooking = try #require(
                FileManager.default.contents(atPath: files.certificate(for: "booking")))
            #expect(newBooking != oldBooking)
        }
    }

    @Test func aCAWithoutItsKeyCannotIssueAndATooOpenKeyIsRefused() throws {
        try withTemporaryDirectory { directory in
            let files = try DevelopmentPKI.ensure(in: directory.path, names: ["identity"])
            try FileManager.default.removeItem(atPath: files.caKey)
            #expect(throws: KeyFile.Failure.self) {
                try DevelopmentPKI.ensure(in: directory.path, names: ["notes"])
            }
            // Nothing to issue: fine without the CA key.
            try DevelopmentPKI.ensure(in: directory.path, names: ["identity"])

            #expect(chmod(files.key(for: "identity"), 0o644) == 0)
            try FileManager.default.removeItem(atPath: files.certificate(for: "identity"))
            #expect(throws: KeyFile.Failure.self) {
                try DevelopmentPKI.ensure(in: directory.path, names: ["identity"])
            }
        }
    }
}
