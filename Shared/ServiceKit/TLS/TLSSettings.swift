import Foundation
import TillitRPC

/// Where a process finds its TLS certificate, key and trust roots, read from the environment
/// once (`TILLIT_TLS`, `TILLIT_TLS_CERT`, `TILLIT_TLS_KEY`, `TILLIT_TLS_CA`).
///
/// TLS is on unless `TILLIT_TLS=off`. Without explicit files, a service uses the development PKI
/// under `<data dir>/tls/` (`DevelopmentPKI`), creating what is missing on start.
public struct TLSSettings: Sendable, Equatable {
    /// The environment variable that turns TLS off (`off`) or on (`on`, the default).
    public static let modeVariable = "TILLIT_TLS"
    /// The certificate chain (PEM, leaf first).
    public static let certificateVariable = "TILLIT_TLS_CERT"
    /// The private key (PEM, owner-only).
    public static let keyVariable = "TILLIT_TLS_KEY"
    /// The CA certificates peers must chain to (PEM).
    public static let trustRootsVariable = "TILLIT_TLS_CA"

    /// This process's certificate chain file.
    public var certificateFile: String
    /// This process's private key file.
    public var keyFile: String
    /// The trust roots file.
    public var trustRootsFile: String
    /// Set when none of the files was named: they are the development PKI in this folder, made
    /// on first start.
    public var developmentFolder: String?

    /// Explicit files.
    public init(
        certificateFile: String, keyFile: String, trustRootsFile: String, developmentFolder: String? = nil
    ) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.trustRootsFile = trustRootsFile
        self.developmentFolder = developmentFolder
    }

    /// The development PKI folder of a data folder, `<data dir>/tls`.
    public static func developmentFolder(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("tls")
    }

    /// The settings of `name` (a service) from `environment`; nil when `TILLIT_TLS=off`. Unnamed
    /// files default to the development PKI in `<dataDirectory>/tls`.
    public static func read(
        name: String, dataDirectory: String, environment: [String: String]
    ) throws -> TLSSettings? {
        let mode = (environment[modeVariable] ?? "").lowercased()
        switch mode {
        case "", "on": break
        case "off": return nil
        default:
            throw ConfigurationError(variable: modeVariable, message: "'\(mode)' is not on or off")
        }
        let folder = developmentFolder(dataDirectory: dataDirectory)
        let files = DevelopmentPKI.Files(folder: folder)
        func value(_ variable: String) -> String? {
            environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let certificate = value(certificateVariable)
        let key = value(keyVariable)
        let trustRoots = value(trustRootsVariable)
        if (certificate == nil) != (key == nil) {
            throw ConfigurationError(
                variable: certificate == nil ? certificateVariable : keyVariable,
                message: "\(certificateVariable) and \(keyVariable) are set together or not at all")
        }
        let development = certificate == nil && trustRoots == nil
        return TLSSettings(
            certificateFile: certificate ?? files.certificate(for: name),
            keyFile: key ?? files.key(for: name),
            trustRootsFile: trustRoots ?? files.caCertificate,
            developmentFolder: development ? folder : nil)
    }

    /// The certificate chain and key; throws `ConfigurationError` naming the variable of a file
    /// that is missing, unreadable, or (the key) readable by others.
    public func loadCredentials() throws -> TransportSecurity.Credentials {
        guard let chain = FileManager.default.contents(atPath: certificateFile) else {
            throw ConfigurationError(
                variable: Self.certificateVariable, message: "cannot read the certificate \(certificateFile)")
        }
        let key: Data
        do {
            guard let read = try KeyFile.readSecret(keyFile) else {
                throw KeyFile.Failure(path: keyFile, reason: "does not exist")
            }
            key = read
        } catch let failure as KeyFile.Failure {
            throw ConfigurationError(variable: Self.keyVariable, message: failure.description)
        }
        return TransportSecurity.Credentials(certificateChainPEM: Array(chain), privateKeyPEM: Array(key))
    }

    /// The trust roots; throws `ConfigurationError` naming `TILLIT_TLS_CA` when unreadable.
    public func loadTrustRoots() throws -> [UInt8] {
        try Self.loadTrustRoots(trustRootsFile)
    }

    /// The PEM certificates in `path`; throws `ConfigurationError` naming `TILLIT_TLS_CA`.
    public static func loadTrustRoots(_ path: String) throws -> [UInt8] {
        guard let roots = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(variable: trustRootsVariable, message: "cannot read the CA file \(path)")
        }
        return Array(roots)
    }

    /// Wraps a `TransportSecurityError` (malformed PEM, key not matching) as a
    /// `ConfigurationError` naming the files.
    func building(_ make: () throws -> TransportSecurity) throws -> TransportSecurity {
        do {
            return try make()
        } catch let error as TransportSecurityError {
            throw ConfigurationError(
                variable: "\(Self.certificateVariable)/\(Self.keyVariable)/\(Self.trustRootsVariable)",
                message: "\(error) (\(certificateFile), \(keyFile), \(trustRootsFile))")
        }
    }
}
