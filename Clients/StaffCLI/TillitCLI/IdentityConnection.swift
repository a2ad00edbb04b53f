import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// A connection to Identity for one command; failed calls become `CLIError`s that say what to do.
struct IdentityConnection: Sendable {
    /// Where Identity is.
    let address: ServiceAddress
    /// The generated client.
    let client: Tillit_Identity_V1_Identity.Client

    /// Connects lazily to `address` (the first call opens the connection) over `security`.
    init(address: ServiceAddress, security: TransportSecurity) {
        self.address = address
        client = Tillit_Identity_V1_Identity.Client(
            RPCClient(
                host: address.host, port: address.port,
                configuration: RPCClientConfiguration(
                    connectionsPerPeer: 1, connectTimeout: .seconds(5), defaultTimeout: .seconds(30),
                    transportSecurity: security)))
    }

    /// Runs `body` with a connection to `address`, closing it afterwards; RPC failures become
    /// `CLIError`s. TLS trusts `TILLIT_TLS_CA` (else the local stack's CA) and requires
    /// Identity's certificate (`TLSSettings.clientSecurity`).
    static func with<T>(
        _ address: ServiceAddress, _ body: (IdentityConnection) async throws -> T
    ) async throws -> T {
        let security: TransportSecurity
        do {
            security = try TLSSettings.clientSecurity(for: .identity)
        } catch let error as ConfigurationError {
            throw CLIError(
                .unavailable,
                "cannot set up TLS to identity (\(error)): set TILLIT_TLS_CA to the CA certificate, "
                    + "or TILLIT_DATA_DIR to the stack's data folder")
        }
        let connection = IdentityConnection(address: address, security: security)
        defer { connection.client.rpc.close() }
        do {
            return try await body(connection)
        } catch let error as RPCError {
            throw connection.error(error)
        }
    }

    /// `error` as a message about this service.
    func error(_ error: RPCError) -> CLIError {
        CLIError(error, service: "identity", address: address)
    }
}

extension ServiceAddressOptions {
    /// Identity's address: `--identity-addr`, else `TILLIT_IDENTITY_ADDR`, else the address the
    /// session was opened against, else the local stack's 127.0.0.1:7101.
    func identityAddress(
        session: Session? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceAddress {
        let explicit = identity != nil || !(environment[ServiceName.identity.addressVariable] ?? "").isEmpty
        if !explicit, let stored = session?.identityAddress, let address = ServiceAddress(parsing: stored) {
            return address
        }
        return try resolve(environment: environment)[.identity]!
    }
}
