import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension AuthenticatedCommand {
    /// Runs `body` with Booking's client at `--booking-addr` / `TILLIT_BOOKING_ADDR` (else the
    /// config file, else the local stack's 127.0.0.1:7102) over TLS trusting `TILLIT_TLS_CA`
    /// (else the local stack's CA) and requiring Booking's certificate, with the signed-in
    /// session's token (refreshed as `withIdentity` does: an expiring token first, and once
    /// more when Booking answers UNAUTHENTICATED). Booking's failures become `CLIError`s naming
    /// Booking and its address.
    func withBooking<T>(_ body: (BookingCall) async throws -> T) async throws -> T {
        let address = try addresses.resolve()[.booking]!
        let security: TransportSecurity
        do {
            security = try TLSSettings.clientSecurity(for: .booking)
        } catch let error as ConfigurationError {
            throw CLIError(
                .unavailable,
                "cannot set up TLS to booking (\(error)): set TILLIT_TLS_CA to the CA certificate, "
                    + "or TILLIT_DATA_DIR to the stack's data folder")
        }
        let rpc = RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(
                connectionsPerPeer: 1, connectTimeout: .seconds(10), defaultTimeout: .seconds(30),
                transportSecurity: security))
        defer { rpc.close() }
        let client = Tillit_Booking_V1_Booking.Client(rpc)
        var attempts = 0
        return try await withIdentity { call in
            attempts += 1
            do {
                return try await body(BookingCall(client: client, address: address, identity: call))
            } catch let error as RPCError where error.code == .unauthenticated && attempts == 1 {
                // Refreshed and retried once by withIdentity.
                throw error
            } catch let error as RPCError
                where error.code == .permissionDenied && call.session.totpEnrolmentRequired
            {
                // withIdentity says what to do: enrol two-factor first.
                throw error
            } catch let error as RPCError {
                throw CLIError(error, service: "booking", address: address)
            }
        }
    }
}
