import Foundation
import TillitRPC

extension ServiceConfiguration {
    /// The server side of this service's transport: TLS 1.3 with its certificate, asking
    /// callers for an optional client certificate (services present one; staff and users do
    /// not), or plaintext with `TILLIT_TLS=off`. Creates the development PKI first when the files
    /// are the defaults. Throws `ConfigurationError` for a file that cannot be used.
    public func makeServerTransportSecurity() throws -> TransportSecurity {
        guard let tls else { return .plaintext }
        try prepareDevelopmentFiles(tls)
        let credentials = try tls.loadCredentials()
        let roots = try tls.loadTrustRoots()
        return try tls.building {
            try TransportSecurity.server(
                credentials: credentials, trustRootsPEM: roots, clientCertificates: .optional)
        }
    }

    /// The client side for calls to `peer`: trusts only the configured CA, requires the peer's
    /// certificate to name the peer (e.g. `identity`) and presents this service's certificate
    /// (mutual TLS); plaintext with `TILLIT_TLS=off`.
    public func makeClientTransportSecurity(for peer: ServiceName) throws -> TransportSecurity {
        guard let tls else { return .plaintext }
        try prepareDevelopmentFiles(tls)
        let credentials = try tls.loadCredentials()
        let roots = try tls.loadTrustRoots()
        return try tls.building {
            try TransportSecurity.client(
                trustRootsPEM: roots, serverName: peer.rawValue, credentials: credentials)
        }
    }

    /// A client of `peer` at its configured address (`TILLIT_<PEER>_ADDR`) over
    /// `makeClientTransportSecurity(for:)`. Close it after the host stops.
    public func makePeerClient(_ peer: ServiceName) throws -> RPCClient {
        guard let address = peers[peer] else {
            throw ConfigurationError(variable: peer.addressVariable, message: "no address of \(peer.rawValue)")
        }
        return RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(transportSecurity: try makeClientTransportSecurity(for: peer)))
    }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
    public static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }

    private func prepareDevelopmentFiles(_ tls: TLSSettings) throws {
        guard let folder = tls.developmentFolder else { return }
        do {
            try DevelopmentPKI.ensure(in: folder, names: ServiceName.allCases.map(\.rawValue))
        } catch let failure as KeyFile.Failure {
            throw ConfigurationError(variable: TLSSettings.certificateVariable, message: failure.description)
        }
    }
}
