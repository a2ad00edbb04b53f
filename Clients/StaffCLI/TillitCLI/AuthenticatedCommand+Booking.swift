import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension AuthenticatedCommand {
    /// Runs `body` with Booking's client at `--booking-addr` / `TILLIT_BOOKING_ADDR` (else the
    /// config file, else the local stack's 127.0.0.1:7102), as `withPeer` connects: TLS requiring
    /// Booking's certificate, the session's token refreshed and retried once, Booking's failures
    /// as `CLIError`s naming Booking and its address.
    func withBooking<T>(_ body: (BookingCall) async throws -> T) async throws -> T {
        try await withPeer(.booking) { rpc, address, call in
            try await body(
                BookingCall(client: Tillit_Booking_V1_Booking.Client(rpc), address: address, identity: call))
        }
    }
}
