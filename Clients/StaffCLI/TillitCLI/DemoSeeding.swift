import Foundation
import Synchronization
import TillitRPC
import TillitServiceKit

/// The demo seeder of `tillit stack up --demo`, started once Identity has reported the address
/// it bound (its port may have been 0) and is SERVING there; at most one runs. When Booking is
/// part of the stack, the seeder goes on to Booking's demo data once Booking has reported its
/// address (`booking(at:)`), then, when Notes is part of it too, to Notes' (`notes(at:)`), and
/// then to Supervision's (`supervision(at:)`).
final class DemoSeeding: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var booking: ServiceAddress?
        var notes: ServiceAddress?
        var supervision: ServiceAddress?
    }

    private let dataDirectory: URL
    private let security: TransportSecurity
    private let bookingSecurity: TransportSecurity?
    private let notesSecurity: TransportSecurity?
    private let supervisionSecurity: TransportSecurity?
    private let state = Mutex(State())

    /// Seeding for the stack whose data is in `dataDirectory`, reaching Identity over `security`
    /// and, when the stack runs Booking, Booking over `bookingSecurity` (nil: no Booking), and
    /// when it runs Notes (after Booking), Notes over `notesSecurity` (nil: no Notes), and when
    /// it runs Supervision (after Notes), Supervision over `supervisionSecurity`.
    init(
        dataDirectory: URL, security: TransportSecurity, bookingSecurity: TransportSecurity?,
        notesSecurity: TransportSecurity? = nil, supervisionSecurity: TransportSecurity? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.security = security
        self.bookingSecurity = bookingSecurity
        self.notesSecurity = notesSecurity
        self.supervisionSecurity = supervisionSecurity
    }

    /// Starts the seeder against Identity at `address`, unless it was started already.
    func start(identity address: ServiceAddress) {
        state.withLock { state in
            guard state.task == nil else { return }
            let dataDirectory = self.dataDirectory
            let security = self.security
            let booking = bookingSecurity.map { security in
                DemoSeeder.ServiceTarget(security: security) { [weak self] in self?.bookingAddress }
            }
            let notes = notesSecurity.map { security in
                DemoSeeder.ServiceTarget(security: security) { [weak self] in self?.notesAddress }
            }
            let supervision = supervisionSecurity.map { security in
                DemoSeeder.ServiceTarget(security: security) { [weak self] in self?.supervisionAddress }
            }
            state.task = Task {
                await DemoSeeder(
                    address: address, dataDirectory: dataDirectory, security: security, booking: booking,
                    notes: notes, supervision: supervision
                ) {
                    Terminal.say($0)
                }.run()
            }
        }
    }

    /// Booking is SERVING at `address` (the latest report counts).
    func booking(at address: ServiceAddress) {
        state.withLock { $0.booking = address }
    }

    /// Notes is SERVING at `address` (the latest report counts).
    func notes(at address: ServiceAddress) {
        state.withLock { $0.notes = address }
    }

    /// Supervision is SERVING at `address` (the latest report counts).
    func supervision(at address: ServiceAddress) {
        state.withLock { $0.supervision = address }
    }

    /// Where Supervision last said it is SERVING.
    private var supervisionAddress: ServiceAddress? { state.withLock { $0.supervision } }

    /// Where Booking last said it is SERVING.
    private var bookingAddress: ServiceAddress? { state.withLock { $0.booking } }

    /// Where Notes last said it is SERVING.
    private var notesAddress: ServiceAddress? { state.withLock { $0.notes } }

    /// Stops the seeder if it is still running.
    func cancel() {
        state.withLock { $0.task?.cancel() }
    }
}
