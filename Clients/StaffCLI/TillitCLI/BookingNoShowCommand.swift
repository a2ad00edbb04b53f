import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking no-show`: the client did not come.
struct BookingNoShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "no-show",
        abstract: "Mark a started appointment as a no-show (its practitioner, or admin).",
        discussion: """
            Example:
              tillit booking no-show 5f2d…
            """)

    @Argument(help: "The appointment id.") var appointmentID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_MarkNoShowRequest()
            request.appointmentID = appointmentID
            let (appointment, context) = try await withBooking { call in
                let appointment = try await call.client.markNoShow(request, options: call.options).appointment
                return (appointment, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = AppointmentView(appointment)
            try output.emit(view) {
                "No-show: \(context.account(view.clientId)), \(view.when(context)): \(view.id)"
            }
        }
    }
}
