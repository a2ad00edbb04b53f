import Foundation
import TillitRPC
import TillitServiceKit

/// TLS for the benchmark: a development PKI (`DevelopmentPKI`) with a `bench` certificate in a
/// folder, the server presenting it (asking for optional client certificates, as services do),
/// the client trusting its CA and expecting the name `bench`.
enum BenchTLS {
    /// The certificate name the bench server presents.
    static let name = "bench"

    /// Makes (or keeps) the PKI in `folder`.
    static func prepare(_ folder: String) throws -> DevelopmentPKI.Files {
        try DevelopmentPKI.ensure(in: folder, names: [name])
    }

    /// The server side.
    static func server(_ folder: String) throws -> TransportSecurity {
        let files = try prepare(folder)
        let settings = TLSSettings(
            certificateFile: files.certificate(for: name), keyFile: files.key(for: name),
            trustRootsFile: files.caCertificate)
        return try .server(
            credentials: try settings.loadCredentials(), trustRootsPEM: try settings.loadTrustRoots(),
            clientCertificates: .optional)
    }

    /// The client side.
    static func client(_ folder: String) throws -> TransportSecurity {
        let files = try prepare(folder)
        return try .client(
            trustRootsPEM: try TLSSettings.loadTrustRoots(files.caCertificate), serverName: name)
    }
}
