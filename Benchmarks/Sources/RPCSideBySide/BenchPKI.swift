import Crypto
import Foundation
import SwiftASN1
import TillitRPC
import X509

/// An in-memory TLS setup for the Tillit TLS run, made as `DevelopmentPKI` (TillitServiceKit)
/// makes its files: a P-256 CA and a leaf for the DNS name `bench` (and 127.0.0.1), the server
/// asking for optional client certificates as the services do, the client trusting only the CA.
struct BenchPKI {
    /// The name the server's certificate carries and the client expects.
    static let serverName = "bench"

    /// The CA certificate, PEM.
    let caPEM: String
    /// The leaf certificate, PEM.
    let leafPEM: String
    /// The leaf's private key, PEM.
    let leafKeyPEM: String

    /// Makes a new CA and leaf.
    init(now: Date = Date()) throws {
        let caKey = P256.Signing.PrivateKey()
        let caPublicKey = Certificate.PublicKey(caKey.publicKey)
        let caName = try DistinguishedName {
            OrganizationName("Tillit")
            CommonName("Tillit benchmark CA")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPublicKey,
            notValidBefore: now - 300, notValidAfter: now + 86_400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: caPublicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        let leafKey = P256.Signing.PrivateKey()
        let loopback: [UInt8] = [127, 0, 0, 1]
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(leafKey.publicKey),
            notValidBefore: now - 300, notValidAfter: now + 86_400, issuer: caName,
            subject: try DistinguishedName { CommonName(Self.serverName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([
                    .dnsName(Self.serverName), .ipAddress(ASN1OctetString(contentBytes: loopback[...])),
                ])
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        caPEM = try ca.serializeAsPEM().pemString
        leafPEM = try leaf.serializeAsPEM().pemString
        leafKeyPEM = leafKey.pemRepresentation
    }

    /// The server side: presents the leaf, verifies client certificates when offered.
    func server() throws -> TransportSecurity {
        try .server(
            credentials: .init(certificateChainPEM: Array(leafPEM.utf8), privateKeyPEM: Array(leafKeyPEM.utf8)),
            trustRootsPEM: Array(caPEM.utf8), clientCertificates: .optional)
    }

    /// The client side: trusts the CA, expects the name `bench`.
    func client() throws -> TransportSecurity {
        try .client(trustRootsPEM: Array(caPEM.utf8), serverName: Self.serverName)
    }
}
