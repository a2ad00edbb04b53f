import Foundation
import Testing
import TillitCLI
import TillitServiceKit
import TillitTesting

/// Real `tillit-identity` and `tillit-booking` processes: Identity first (`IdentityStack`), then
/// Booking told Identity's bound address, each on a port it picks itself (port 0, read back from
/// its ready file), with the test PKI's certificates (Booking reaches Identity over mutual TLS)
/// and a fresh data folder.
final class BookingStack: Sendable {
    /// The built `tillit-booking`.
    static var executable: String { Built.path("tillit-booking") }

    let identity: IdentityStack
    let booking: ChildProcess
    let bookingPort: Int

    var bookingAddress: String { "127.0.0.1:\(bookingPort)" }

    private init(identity: IdentityStack, booking: ChildProcess, bookingPort: Int) {
        self.identity = identity
        self.booking = booking
        self.bookingPort = bookingPort
    }

    /// Starts Identity, then Booking against it, and waits until both are SERVING.
    static func start() async throws -> BookingStack {
        let identity = try await IdentityStack.start()
        let environment = [
            "TILLIT_DATA_DIR": identity.folder.appendingPathComponent("data").path,
            "TILLIT_BOOKING_ADDR": "127.0.0.1:0",
            "TILLIT_IDENTITY_ADDR": identity.address,
            // Loaded machines: relayed questions get time; a service down is refused at once anyway.
            "TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS": "30000",
        ]
        do {
            let (child, port) = try await ServingChild.start(
                executable, name: "booking", environment: environment)
            return BookingStack(identity: identity, booking: child, bookingPort: port)
        } catch {
            identity.tearDown()
            throw error
        }
    }

    /// A user of `tillit` with their own config folder, told where Identity and Booking are.
    func user(_ name: String) -> CLIUser {
        var user = identity.user(name)
        user.environment["TILLIT_BOOKING_ADDR"] = bookingAddress
        return user
    }

    /// Stops Booking and Identity and removes the folder, without blocking the caller. Both get
    /// SIGTERM at once (a test process that ends right after a test must not leave Identity
    /// running while a background thread still waits for Booking); the folder goes once both
    /// have exited.
    func tearDown() {
        let identity = self.identity
        identity.child.signal(SIGTERM)
        booking.stopInBackground { identity.tearDown() }
    }
}
