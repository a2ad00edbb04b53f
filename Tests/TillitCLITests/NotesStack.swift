import Foundation
import Synchronization
import Testing
import TillitCLI
import TillitServiceKit
import TillitTesting

/// Real `tillit-identity`, `tillit-booking` and `tillit-notes` processes: Identity and Booking
/// as `BookingStack` starts them, then Notes told both bound addresses, on a port it picks
/// itself (port 0, read back from its ready file), with the test PKI's certificate for `notes`
/// (it reaches Identity and Booking over mutual TLS) and the same data folder. Notes can be
/// restarted with other settings (e.g. a new key-encryption key) on the same database.
final class NotesStack: Sendable {
    /// The built `tillit-notes`.
    static var executable: String { Built.path("tillit-notes") }

    let booking: BookingStack
    private let notes: Mutex<(child: ChildProcess, port: Int)>

    var identity: IdentityStack { booking.identity }
    /// Notes' current address.
    var notesAddress: String { "127.0.0.1:\(notes.withLock { $0.port })" }
    /// The running `tillit-notes`.
    var notesChild: ChildProcess { notes.withLock { $0.child } }

    private init(booking: BookingStack, child: ChildProcess, port: Int) {
        self.booking = booking
        notes = Mutex((child, port))
    }

    /// Starts Identity, Booking, then Notes (with `environment` over its defaults) and waits
    /// until all are SERVING.
    static func start(environment: [String: String] = [:]) async throws -> NotesStack {
        let booking = try await BookingStack.start()
        do {
            let (child, port) = try await startNotes(booking, environment: environment)
            return NotesStack(booking: booking, child: child, port: port)
        } catch {
            booking.tearDown()
            throw error
        }
    }

    /// Stops Notes and starts it again with `environment` over its defaults, on the same data.
    func restartNotes(environment: [String: String] = [:]) async throws {
        await notesChild.stop()
        let (child, port) = try await Self.startNotes(booking, environment: environment)
        notes.withLock { $0 = (child, port) }
    }

    private static func startNotes(_ booking: BookingStack, environment extra: [String: String]) async throws
        -> (ChildProcess, Int)
    {
        var environment = [
            "TILLIT_DATA_DIR": booking.identity.folder.appendingPathComponent("data").path,
            "TILLIT_NOTES_ADDR": "127.0.0.1:0",
            "TILLIT_IDENTITY_ADDR": booking.identity.address,
            "TILLIT_BOOKING_ADDR": booking.bookingAddress,
            // Loaded machines: relayed questions get time; a service down is refused at once anyway.
            "TILLIT_NOTES_DEPENDENCY_TIMEOUT_MILLIS": "30000",
        ]
        environment.merge(extra) { $1 }
        return try await ServingChild.start(executable, name: "notes", environment: environment)
    }

    /// A user of `tillit` with their own config folder, told where Identity, Booking and (the
    /// current) Notes are.
    func user(_ name: String) -> CLIUser {
        var user = booking.user(name)
        user.environment["TILLIT_NOTES_ADDR"] = notesAddress
        return user
    }

    /// Stops Notes, Booking and Identity and removes the folder, without blocking the caller.
    func tearDown() {
        let booking = self.booking
        booking.identity.child.signal(SIGTERM)
        booking.booking.signal(SIGTERM)
        notesChild.stopInBackground { booking.tearDown() }
    }
}
