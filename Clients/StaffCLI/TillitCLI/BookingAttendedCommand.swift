import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking attended`: marks an appointment attended with when it actually took place.
struct BookingAttendedCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "attended",
        abstract: "Mark an appointment attended, with its actual start and end (its practitioner, or admin).",
        discussion: """
            Without --start/--end the booked times are taken. The end must not be in the future; \
            at most 12 hours.

            Examples:
              tillit booking attended 5f2d…
              tillit booking attended 5f2d… --start "2026-03-30 10:05" --end "2026-03-30 11:02"
            """)

    @Argument(help: "The appointment id.") var appointmentID: String
    @Option(help: "When it actually started (default: the booked start).") var start: String?
    @Option(help: "When it actually ended (default: the booked end).") var end: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (appointment, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                var request = Tillit_Booking_V1_MarkAttendedRequest()
                request.appointmentID = appointmentID
                var booked: Tillit_Booking_V1_Appointment?
                if start == nil || end == nil {
                    var get = Tillit_Booking_V1_GetAppointmentRequest()
                    get.appointmentID = appointmentID
                    booked = try await call.client.getAppointment(get, options: call.options).appointment
                }
                if let start {
                    request.actual.start = Tillit_Common_V1_Timestamp(
                        try context.clock.instant(start, option: "--start"))
                } else if let booked {
                    request.actual.start = booked.time.start
                }
                if let end {
                    request.actual.end = Tillit_Common_V1_Timestamp(
                        try context.clock.instant(end, option: "--end"))
                } else if let booked {
                    request.actual.end = booked.time.end
                }
                return (
                    try await call.client.markAttended(request, options: call.options).appointment, context
                )
            }
            let view = AppointmentView(appointment)
            try output.emit(view) {
                let actual =
                    view.actualStart.map {
                        "\(context.clock.dateTime($0))–\(view.actualEnd.map(context.clock.time) ?? "?")"
                    } ?? "-"
                return
                    "Attended: \(context.sessionType(view.sessionTypeId)) of \(context.account(view.clientId)), "
                    + "took place \(actual) (booked \(view.when(context))): \(view.id)"
            }
        }
    }
}
