import Foundation
import TillitRPC
import TillitServiceKit

/// Development PKIs for tests, made once per test process (key generation and signing are not
/// free) in a temporary folder: `main`, which every test service and client uses, and
/// `foreign`, an unrelated CA with the same names, for the tests that must be refused.
///
/// Both hold a certificate for every service plus `tillit-test-client`.
public struct TestPKI: Sendable {
    /// The files.
    public let files: DevelopmentPKI.Files

    /// The PKI every test uses by default.
    public static let main = TestPKI(label: "main")
    /// Another CA issuing the same names: its certificates must be refused by `main`'s peers.
    public static let foreign = TestPKI(label: "foreign")

    /// The names certificates are made for.
    public static let names = ServiceName.allCases.map(\.rawValue) + ["tillit-test-client"]

    private init(label: String) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-test-pki-\(label)-\(getpid())-\(UUID().uuidString)").path
        do {
            files = try DevelopmentPKI.ensure(in: folder, names: Self.names)
        } catch {
            fatalError("cannot make the test PKI in \(folder): \(error)")
        }
    }

    /// The environment that makes a service use certificate `name` of this PKI.
    public func environment(for name: String) -> [String: String] {
        [
            TLSSettings.certificateVariable: files.certificate(for: name),
            TLSSettings.keyVariable: files.key(for: name),
            TLSSettings.trustRootsVariable: files.caCertificate,
        ]
    }

    /// `name`'s certificate and key.
    public func credentials(_ name: String) -> TransportSecurity.Credentials {
        TransportSecurity.Credentials(
            certificateChainPEM: read(files.certificate(for: name)), privateKeyPEM: read(files.key(for: name))
        )
    }

    /// The CA certificate.
    public var caPEM: [UInt8] { read(files.caCertificate) }

    /// A server presenting `name`'s certificate; with `clientCertificates` other than `.notAsked`,
    /// client certificates are checked against this CA.
    public func server(
        _ name: String, clientCertificates: TransportSecurity.ClientCertificates = .optional
    ) throws -> TransportSecurity {
        try .server(
            credentials: credentials(name), trustRootsPEM: caPEM, clientCertificates: clientCertificates)
    }

    /// A client trusting this CA and expecting `serverName`, presenting `presenting`'s certificate
    /// when given.
    public func client(serverName: String?, presenting: String? = nil) throws -> TransportSecurity {
        try .client(trustRootsPEM: caPEM, serverName: serverName, credentials: presenting.map(credentials))
    }

    private func read(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            fatalError("the test PKI file \(path) is missing")
        }
        return Array(data)
    }
}

extension RPCClientConfiguration {
    /// The default client configuration over TLS to `service`, trusting the test CA
    /// (`TestPKI.main`), presenting `presenting`'s certificate when given.
    public static func tls(to service: ServiceName, presenting: String? = nil) throws
        -> RPCClientConfiguration
    {
        RPCClientConfiguration(
            connectTimeout: testConnectTimeout,
            transportSecurity: try TestPKI.main.client(serverName: service.rawValue, presenting: presenting))
    }

    /// How long a test client may take to connect, TLS handshake included: long, because a
    /// machine kept busy by a parallel build (and a test process running many servers at once)
    /// can delay a handshake for seconds; a server that is really down still fails at once
    /// (connection refused).
    public static let testConnectTimeout: Duration = .seconds(30)
}
