import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension AuthenticatedCommand {
    /// Runs `body` with a connection to `service` at its address option / `TILLIT_<SERVICE>_ADDR`
    /// (else the config file, else the local stack's default port) over TLS trusting
    /// `TILLIT_TLS_CA` (else the local stack's CA) and requiring the service's certificate, with
    /// the signed-in session's token (refreshed as `withIdentity` does: an expiring token first,
    /// and once more when the service answers UNAUTHENTICATED). The service's failures become
    /// `CLIError`s naming it and its address. `withBooking` and `withNotes` are this.
    func withPeer<T>(
        _ service: ServiceName, _ body: (RPCClient, ServiceAddress, IdentityCall) async throws -> T
    ) async throws -> T {
        try await withPeerClient(service) { rpc, address in
            var attempts = 0
            return try await withIdentity { call in
                attempts += 1
                do {
                    return try await body(rpc, address, call)
                } catch let error as RPCError where error.code == .unauthenticated && attempts == 1 {
                    // Refreshed and retried once by withIdentity.
                    throw error
                } catch let error as RPCError
                    where error.code == .permissionDenied && call.session.totpEnrolmentRequired
                {
                    // withIdentity says what to do: enrol two-factor first.
                    throw error
                } catch let error as RPCError {
                    throw CLIError(error, service: service.rawValue, address: address)
                }
            }
        }
    }

    /// Runs `body` with a client of `service` (its address and TLS as `withPeer` finds them), no
    /// session involved; `tillit call` uses it when no one is signed in.
    func withPeerClient<T>(_ service: ServiceName, _ body: (RPCClient, ServiceAddress) async throws -> T)
        async throws -> T
    {
        let address = try addresses.resolve()[service]!
        let security: TransportSecurity
        do {
            security = try TLSSettings.clientSecurity(for: service)
        } catch let error as ConfigurationError {
            throw CLIError(
                .unavailable,
                "cannot set up TLS to \(service.rawValue) (\(error)): set TILLIT_TLS_CA to the CA certificate, "
                    + "or TILLIT_DATA_DIR to the stack's data folder")
        }
        let rpc = RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(
                connectionsPerPeer: 1, connectTimeout: .seconds(10), defaultTimeout: .seconds(30),
                transportSecurity: security))
        defer { rpc.close() }
        return try await body(rpc, address)
    }
}
