import Foundation
import TillitRPC

extension TLSSettings {
    /// The transport of a client that is not a service (the staff CLI, tools): TLS trusting
    /// `TILLIT_TLS_CA`, else the development CA `<TILLIT_DATA_DIR or ./.tillit-data>/tls/ca.pem`,
    /// requiring the server's certificate to name `service`; no client certificate. Plaintext
    /// only with `TILLIT_TLS=off`. Throws `ConfigurationError` naming the variable.
    public static func clientSecurity(
        for service: ServiceName, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> TransportSecurity {
        let mode = (environment[modeVariable] ?? "").lowercased()
        switch mode {
        case "", "on": break
        case "off": return .plaintext
        default: throw ConfigurationError(variable: modeVariable, message: "'\(mode)' is not on or off")
        }
        let dataDirectory =
            environment["TILLIT_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./.tillit-data"
        let path =
            environment[trustRootsVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? DevelopmentPKI.Files(folder: developmentFolder(dataDirectory: dataDirectory)).caCertificate
        let roots = try loadTrustRoots(path)
        do {
            return try .client(trustRootsPEM: roots, serverName: service.rawValue)
        } catch let error as TransportSecurityError {
            throw ConfigurationError(variable: trustRootsVariable, message: "\(path): \(error)")
        }
    }
}
