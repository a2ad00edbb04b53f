import Crypto
import Foundation
import SwiftASN1
import X509

/// A development certificate authority and one certificate per name (each service), made with
/// swift-certificates into one folder (`<data dir>/tls/` by default):
///
/// - `ca.pem` (the CA certificate every peer trusts) and `ca-key.pem`,
/// - `<name>.pem` and `<name>-key.pem`: a certificate whose subject alternative names are the DNS
///   name `<name>` (e.g. `identity`), `localhost`, and the IP addresses 127.0.0.1 and ::1, usable
///   for both server and client authentication (mutual TLS between services).
///
/// Keys are P-256, written through `KeyFile` (O_EXCL, 0600, fsynced); certificates too (owner
/// only). Existing files are kept: a later start only adds what is missing, so certificates are
/// rotated by deleting them (see docs/security.md).
public enum DevelopmentPKI {
    /// The files of a development PKI folder.
    public struct Files: Sendable, Equatable {
        /// The folder.
        public var folder: String

        /// The files in `folder`.
        public init(folder: String) {
            self.folder = folder
        }

        /// `ca.pem`.
        public var caCertificate: String { path("ca.pem") }
        /// `ca-key.pem`.
        public var caKey: String { path("ca-key.pem") }
        /// `<name>.pem`.
        public func certificate(for name: String) -> String { path("\(name).pem") }
        /// `<name>-key.pem`.
        public func key(for name: String) -> String { path("\(name)-key.pem") }

        private func path(_ file: String) -> String {
            (folder as NSString).appendingPathComponent(file)
        }
    }

    /// How long generated certificates are valid: the CA 10 years, the others 2 years.
    static let caLifetime: TimeInterval = 10 * 365 * 86_400
    static let leafLifetime: TimeInterval = 2 * 365 * 86_400

    /// Makes sure `folder` holds a CA and a certificate for each of `names`, creating only what
    /// is missing (the folder too, owner-only). Throws `KeyFile.Failure` for a file that cannot be
    /// written or read, or a key file whose permissions are too open.
    @discardableResult
    public static func ensure(in folder: String, names: [String], now: Date = Date()) throws -> Files {
        let files = Files(folder: folder)
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var authority: (certificate: Certificate, key: P256.Signing.PrivateKey)?
        func ca() throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
            if let authority { return authority }
            let existing = try readCertificate(files.caCertificate)
            if existing != nil, !FileManager.default.fileExists(atPath: files.caKey) {
                throw KeyFile.Failure(
                    path: files.caKey,
                    reason: "is missing, so no certificate can be added; delete ca.pem to start a new CA")
            }
            let key = try loadOrCreateKey(files.caKey)
            var certificate = existing
            if certificate == nil {
                let made = try makeCA(key: key, now: now)
                certificate = try keepFirst(files.caCertificate, made) ?? made
            }
            guard let certificate, certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
                throw KeyFile.Failure(path: files.caKey, reason: "does not belong to ca.pem")
            }
            authority = (certificate, key)
            return (certificate, key)
        }
        if !FileManager.default.fileExists(atPath: files.caCertificate) { _ = try ca() }
        for name in names where !FileManager.default.fileExists(atPath: files.certificate(for: name)) {
            let key = try loadOrCreateKey(files.key(for: name))
            let issuer = try ca()
            let certificate = try makeLeaf(name: name, key: key, issuer: issuer, now: now)
            _ = try keepFirst(files.certificate(for: name), certificate)
        }
        return files
    }

    // MARK: Making

    private static func makeCA(key: P256.Signing.PrivateKey, now: Date) throws -> Certificate {
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("Tillit")
            CommonName("Tillit development CA")
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - 300, notValidAfter: now + caLifetime, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }

    private static func makeLeaf(
        name: String, key: P256.Signing.PrivateKey,
        issuer: (certificate: Certificate, key: P256.Signing.PrivateKey), now: Date
    ) throws -> Certificate {
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName {
            OrganizationName("Tillit")
            CommonName(name)
        }
        let loopbackV4: [UInt8] = [127, 0, 0, 1]
        let loopbackV6: [UInt8] = Array(repeating: 0, count: 15) + [1]
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - 300, notValidAfter: now + leafLifetime,
            issuer: issuer.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([
                    .dnsName(name), .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: loopbackV4[...])),
                    .ipAddress(ASN1OctetString(contentBytes: loopbackV6[...])),
                ])
            },
            issuerPrivateKey: Certificate.PrivateKey(issuer.key))
    }

    // MARK: Files

    private static func loadOrCreateKey(_ path: String) throws -> P256.Signing.PrivateKey {
        if let existing = try KeyFile.readSecret(path) { return try parseKey(existing, path: path) }
        let key = P256.Signing.PrivateKey()
        do {
            try KeyFile.create(path, bytes: Array(key.pemRepresentation.utf8))
        } catch {
            // Another process created it first: use theirs.
            if let existing = try KeyFile.readSecret(path) { return try parseKey(existing, path: path) }
            throw error
        }
        return key
    }

    private static func parseKey(_ data: Data, path: String) throws -> P256.Signing.PrivateKey {
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: String(decoding: data, as: UTF8.self))
        } catch {
            throw KeyFile.Failure(path: path, reason: "is not a PEM P-256 private key")
        }
    }

    private static func readCertificate(_ path: String) throws -> Certificate? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try Certificate(pemEncoded: String(decoding: data, as: UTF8.self))
        } catch {
            throw KeyFile.Failure(path: path, reason: "is not a PEM certificate")
        }
    }

    /// Writes `certificate` to `path` unless another process wrote one first; returns theirs
    /// then, nil when ours was written.
    private static func keepFirst(_ path: String, _ certificate: Certificate) throws -> Certificate? {
        let pem = try certificate.serializeAsPEM().pemString + "\n"
        do {
            try KeyFile.create(path, bytes: Array(pem.utf8))
            return nil
        } catch {
            if let existing = try readCertificate(path) { return existing }
            throw error
        }
    }
}
