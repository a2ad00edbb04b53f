import NIOCore
import NIOSSL

/// How an `RPCServer` or `RPCClient` protects its connections: plaintext, or TLS 1.3 (no older
/// version is offered or accepted) with certificates from PEM bytes.
///
/// The TLS context is built once, when the value is made, and shared by every connection of the
/// server or client that uses it; a malformed certificate or key fails here, not per connection.
public struct TransportSecurity: Sendable {
    /// Whether a server asks connecting clients for a certificate.
    public enum ClientCertificates: Sendable {
        /// Clients are not asked for one.
        case notAsked
        /// Clients may present one (it must then chain to the trust roots); those without connect.
        case optional
        /// Every client must present one that chains to the trust roots.
        case required
    }

    /// A certificate chain (leaf first) and its private key, both PEM.
    public struct Credentials: Sendable {
        /// The PEM certificates, leaf first.
        public var certificateChainPEM: [UInt8]
        /// The PEM private key of the leaf.
        public var privateKeyPEM: [UInt8]

        /// Credentials from PEM bytes.
        public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) {
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
        }
    }

    /// The built context; nil for plaintext.
    let context: NIOSSLContext?
    /// The name the server's certificate must carry (client side); nil means the host dialled.
    public let serverName: String?
    /// Whether the peer's certificate, when it presents one, has been verified (server side:
    /// client certificates are asked for).
    let verifiesPeerCertificates: Bool

    private init(context: NIOSSLContext?, serverName: String?, verifiesPeerCertificates: Bool) {
        self.context = context
        self.serverName = serverName
        self.verifiesPeerCertificates = verifiesPeerCertificates
    }

    /// No encryption, no authentication: only for loopback development and tests of plaintext.
    public static let plaintext = TransportSecurity(
        context: nil, serverName: nil, verifiesPeerCertificates: false)

    /// Whether connections use TLS.
    public var isTLS: Bool { context != nil }

    /// Server side: presents `credentials`; with `clientCertificates` other than `.notAsked`, client
    /// certificates are verified against `trustRootsPEM`.
    public static func server(
        credentials: Credentials, trustRootsPEM: [UInt8]? = nil,
        clientCertificates: ClientCertificates = .notAsked
    ) throws -> TransportSecurity {
        let (chain, key) = try load(credentials)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv13
        switch clientCertificates {
        case .notAsked: tls.certificateVerification = .none
        case .optional: tls.certificateVerification = .optionalVerification
        case .required: tls.certificateVerification = .noHostnameVerification
        }
        if clientCertificates != .notAsked {
            guard let trustRootsPEM else {
                throw TransportSecurityError(message: "verifying client certificates needs trust roots")
            }
            tls.trustRoots = .certificates(try certificates(trustRootsPEM, what: "trust roots"))
        }
        return TransportSecurity(
            context: try makeContext(tls), serverName: nil,
            verifiesPeerCertificates: clientCertificates != .notAsked)
    }

    /// Client side: trusts only `trustRootsPEM` and requires the server's certificate to name
    /// `serverName` (a DNS name), or, when nil, the host dialled (its IP address if it is one);
    /// presents `credentials` when given (mutual TLS).
    public static func client(
        trustRootsPEM: [UInt8], serverName: String? = nil, credentials: Credentials? = nil
    ) throws -> TransportSecurity {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        tls.certificateVerification = .fullVerification
        tls.trustRoots = .certificates(try certificates(trustRootsPEM, what: "trust roots"))
        if let credentials {
            let (chain, key) = try load(credentials)
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
        }
        return TransportSecurity(
            context: try makeContext(tls), serverName: serverName, verifiesPeerCertificates: true)
    }

    /// The TLS handler for a server connection, or nil for plaintext.
    func makeServerHandler() -> NIOSSLServerHandler? {
        context.map { NIOSSLServerHandler(context: $0) }
    }

    /// The TLS handler for a connection to `host`, or nil for plaintext.
    func makeClientHandler(host: String) throws -> NIOSSLClientHandler? {
        guard let context else { return nil }
        // SNI and name checks take a DNS name; an IP address is checked against the
        // certificate's IP entries instead (NIOSSL does that when no name is given).
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let name = serverName ?? (isAddress ? nil : host)
        return try NIOSSLClientHandler(context: context, serverHostname: name)
    }

    private static func load(_ credentials: Credentials) throws -> ([NIOSSLCertificate], NIOSSLPrivateKey) {
        let chain = try certificates(credentials.certificateChainPEM, what: "certificate chain")
        do {
            return (chain, try NIOSSLPrivateKey(bytes: credentials.privateKeyPEM, format: .pem))
        } catch {
            throw TransportSecurityError(message: "the private key is not a PEM key", cause: error)
        }
    }

    private static func certificates(_ pem: [UInt8], what: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw TransportSecurityError(message: "the \(what) are not PEM certificates", cause: error)
        }
        guard !certificates.isEmpty else {
            throw TransportSecurityError(message: "the \(what) hold no certificate")
        }
        return certificates
    }

    private static func makeContext(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TransportSecurityError(
                message: "cannot build a TLS context (does the key match the certificate?)", cause: error)
        }
    }
}
