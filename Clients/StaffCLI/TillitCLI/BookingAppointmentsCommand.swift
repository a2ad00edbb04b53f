import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking appointments`: list and show appointments.
struct BookingAppointmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appointments",
        abstract: "List or show appointments (a client: its own).",
        discussion: """
            Example:
              tillit booking appointments list --practitioner me --days 7
            """,
        subcommands: [BookingAppointmentsListCommand.self, BookingAppointmentsShowCommand.self])
}

/// `tillit booking appointments list`.
struct BookingAppointmentsListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List appointments by start.",
        discussion: """
            Examples:
              tillit booking appointments list
              tillit booking appointments list --practitioner me --from today --days 7
              tillit booking appointments list --client 9e0b… --status cancelled --from 2026-01-01 --days 366 --json
            """)

    @Option(help: "Only this practitioner's (account id or me).") var practitioner: String?
    @Option(help: "Only this client's.") var client: String?
    @Option(help: "booked, cancelled, rescheduled, attended or no-show (default: every status).")
    var status: String?
    @Option(help: "Start of the range: a date or a time.") var from = "now"
    @Option(help: "Days in the range (1–366).") var days = 62
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be from 1 to 366") }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let status = try status.map { try Names.value($0, in: Names.appointmentStatuses, what: "status") }
            let (appointments, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                let start = try context.clock.dayStart(from, option: "--from")
                var request = Tillit_Booking_V1_ListAppointmentsRequest()
                if let practitioner { request.practitionerID.value = call.account(practitioner) }
                if let client { request.clientID.value = call.account(client) }
                request.status = status ?? .unspecified
                request.during.start = .init(start)
                request.during.end = .init(
                    min(context.clock.addingDays(days, to: start), start.addingTimeInterval(366 * 86_400)))
                request.page.pageSize = 200
                var appointments: [Tillit_Booking_V1_Appointment] = []
                repeat {
                    let response = try await call.client.listAppointments(request, options: call.options)
                    appointments += response.appointments
                    request.page.pageToken = response.page.nextPageToken
                } while !request.page.pageToken.isEmpty
                return (appointments, context)
            }
            let views = appointments.map(AppointmentView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No appointments."
                    : Terminal.table(
                        header: AppointmentView.header(context), rows: views.map { $0.row(context) })
            }
        }
    }
}

/// `tillit booking appointments show`.
struct BookingAppointmentsShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one appointment.",
        discussion: """
            Example:
              tillit booking appointments show 5f2d…
            """)

    @Argument(help: "The appointment id.") var appointmentID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_GetAppointmentRequest()
            request.appointmentID = appointmentID
            let (appointment, context) = try await withBooking { call in
                let appointment = try await call.client.getAppointment(request, options: call.options)
                    .appointment
                return (appointment, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = AppointmentView(appointment)
            try output.emit(view) { view.text(context) }
        }
    }
}
