import Foundation
import Synchronization
import Testing
import TillitCLI
import TillitServiceKit
import TillitTesting

/// Real `tillit-identity`, `tillit-booking`, `tillit-notes` and `tillit-supervision` processes:
/// the first three as `NotesStack` starts them, then Supervision told their bound addresses, on
/// a port it picks itself (port 0, read back from its ready file), with the test PKI's
/// certificate for `supervision` and the same data folder. Supervision can be stopped to see
/// what the CLI says when it is down, and restarted after Notes was.
final class SupervisionStack: Sendable {
    /// The built `tillit-supervision`.
    static var executable: String { Built.supervision }

    let notes: NotesStack
    private let supervision: Mutex<(child: ChildProcess, port: Int)>

    var identity: IdentityStack { notes.identity }
    /// Supervision's current address.
    var supervisionAddress: String { "127.0.0.1:\(supervision.withLock { $0.port })" }
    /// The running `tillit-supervision`.
    var supervisionChild: ChildProcess { supervision.withLock { $0.child } }

    private init(notes: NotesStack, child: ChildProcess, port: Int) {
        self.notes = notes
        supervision = Mutex((child, port))
    }

    /// Starts Identity, Booking, Notes, then Supervision and waits until all are SERVING.
    static func start() async throws -> SupervisionStack {
        let notes = try await NotesStack.start()
        do {
            let (child, port) = try await startSupervision(notes)
            return SupervisionStack(notes: notes, child: child, port: port)
        } catch {
            notes.tearDown()
            throw error
        }
    }

    /// Stops Supervision and starts it again on the same data, told where Identity, Booking and
    /// (the current) Notes are: after `notes.restartNotes()`, which moves Notes to a new port.
    func restartSupervision() async throws {
        await supervisionChild.stop()
        let (child, port) = try await Self.startSupervision(notes)
        supervision.withLock { $0 = (child, port) }
    }

    private static func startSupervision(_ notes: NotesStack) async throws -> (child: ChildProcess, port: Int)
    {
        try await ServingChild.start(
            executable, name: "supervision",
            environment: [
                "TILLIT_DATA_DIR": notes.identity.folder.appendingPathComponent("data").path,
                "TILLIT_SUPERVISION_ADDR": "127.0.0.1:0",
                "TILLIT_IDENTITY_ADDR": notes.identity.address,
                "TILLIT_BOOKING_ADDR": notes.booking.bookingAddress,
                "TILLIT_NOTES_ADDR": notes.notesAddress,
                // Loaded machines: relayed questions get time; a service down is refused at once anyway.
                "TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS": "30000",
            ])
    }

    /// A user of `tillit` with their own config folder, told where every service is.
    func user(_ name: String) -> CLIUser {
        var user = notes.user(name)
        user.environment["TILLIT_SUPERVISION_ADDR"] = supervisionAddress
        return user
    }

    /// Stops every service and removes the folder, without blocking the caller.
    func tearDown() {
        let notes = self.notes
        supervisionChild.stopInBackground { notes.tearDown() }
    }
}
