import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking cancel`: cancels an appointment, late inside the cancellation window.
struct BookingCancelCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel an appointment; says \"late\" inside the practice's cancellation window.",
        discussion: """
            Example:
              tillit booking cancel 5f2d… --reason "the client is ill"
              tillit booking cancel 5f2d… --json | jq .late
            """)

    @Argument(help: "The appointment id.") var appointmentID: String
    @Option(help: "Why (at most 500 characters).") var reason = ""
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_CancelAppointmentRequest()
            request.appointmentID = appointmentID
            request.reason = reason
            let (appointment, context, policy) = try await withBooking {
                call -> (Tillit_Booking_V1_Appointment, BookingContext, Tillit_Booking_V1_BookingPolicy?) in
                let appointment = try await call.client.cancelAppointment(request, options: call.options)
                    .appointment
                let context = try await call.context(zone: zone.zone, names: !output.json)
                // For people, the window that made it late.
                var policy: Tillit_Booking_V1_BookingPolicy?
                if !output.json, appointment.late {
                    policy = try? await call.client.getBookingPolicy(.init(), options: call.options).policy
                }
                return (appointment, context, policy)
            }
            let view = AppointmentView(appointment)
            try output.emit(view) {
                let what =
                    "\(context.sessionType(view.sessionTypeId)) of \(context.account(view.clientId)), \(view.when(context))"
                guard view.late else { return "Cancelled \(what) in time: \(view.id)" }
                let window =
                    policy.map {
                        " (less than \(BookingPolicyView.duration($0.cancellationWindowMinutes)) before the start)"
                    } ?? ""
                return "Cancelled late\(window): \(what): \(view.id)"
            }
        }
    }
}
