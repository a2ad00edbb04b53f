import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking reschedule`: moves an appointment in one step.
struct BookingRescheduleCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "reschedule",
        abstract: "Move an appointment to another time (and practitioner or location) in one step.",
        discussion: """
            The new time is taken and the old one freed, or nothing changes. The answer is a new \
            appointment; the old one is RESCHEDULED and points to it.

            Example:
              tillit booking reschedule 5f2d… --start "2026-04-02 14:00"
            """)

    @Argument(help: "The appointment id.") var appointmentID: String
    @Option(help: "The new start, e.g. \"2026-04-02 14:00\" (in --zone).") var start: String
    @Option(help: "Another practitioner (account id or me; default: the same).") var practitioner: String?
    @Option(help: "Another location (default: the same).") var location: String?
    @Flag(help: "Staff: outside the practitioner's availability.") var outsideAvailability = false
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var appointment: AppointmentView
        var previous: AppointmentView
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (response, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                var request = Tillit_Booking_V1_RescheduleAppointmentRequest()
                request.appointmentID = appointmentID
                request.newStart = .init(try context.clock.instant(start, option: "--start"))
                if let practitioner { request.practitionerID.value = call.account(practitioner) }
                request.locationID = location ?? ""
                request.outsideAvailability = outsideAvailability
                return (try await call.client.rescheduleAppointment(request, options: call.options), context)
            }
            let result = Result(
                appointment: AppointmentView(response.appointment),
                previous: AppointmentView(response.previous))
            try output.emit(result) {
                "Moved to \(result.appointment.when(context)) with \(context.account(result.appointment.practitionerId)) "
                    + "at \(context.location(result.appointment.locationId)): \(result.appointment.id) "
                    + "(was \(result.previous.when(context)), \(result.previous.id))"
            }
        }
    }
}
