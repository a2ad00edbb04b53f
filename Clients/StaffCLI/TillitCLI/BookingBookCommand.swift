import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking book`: books a session for a client.
struct BookingBookCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Book a session (staff for a client; a client for itself).",
        discussion: """
            The start must be a free slot of the practitioner (see `tillit booking slots`) unless \
            staff book --outside-availability; an overlap with another appointment of the \
            practitioner is refused either way (exit 67). A retry with the same --key and the same \
            request answers the same appointment, so scripts can retry safely.

            Examples:
              tillit booking book --session-type 7c1f… --practitioner 4d2a… --location 1b6e… \\
                --client 9e0b… --start "2026-03-30 10:00"
              tillit booking book --session-type 7c1f… --practitioner me --location 1b6e… \\
                --client 9e0b… --start 2026-03-30T08:00:00Z --key intake-9e0b --json
            """)

    @Option(help: "The session type id.") var sessionType: String
    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "The location id.") var location: String
    @Option(help: "The start, e.g. \"2026-03-30 10:00\" (in --zone) or an RFC 3339 time.") var start: String
    @Option(help: "The client's account id (staff; a client books for itself).") var client = ""
    @Flag(help: "Staff: book outside the practitioner's availability and minimum notice.")
    var outsideAvailability = false
    @Option(help: "Idempotency key (1–100 printable characters; default: a new one per run).")
    var key: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (appointment, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                var request = Tillit_Booking_V1_BookAppointmentRequest()
                request.idempotencyKey = key ?? "tillit-cli-\(UUID().uuidString.lowercased())"
                request.sessionTypeID = sessionType
                request.practitionerID.value = call.account(practitioner)
                request.locationID = location
                request.start = .init(try context.clock.instant(start, option: "--start"))
                if !client.isEmpty { request.clientID.value = call.account(client) }
                request.outsideAvailability = outsideAvailability
                let appointment = try await call.client.bookAppointment(request, options: call.options)
                    .appointment
                return (appointment, context)
            }
            let view = AppointmentView(appointment)
            try output.emit(view) {
                "Booked \(context.sessionType(view.sessionTypeId)) with \(context.account(view.practitionerId)) "
                    + "for \(context.account(view.clientId)), \(view.when(context)) at \(context.location(view.locationId)): "
                    + view.id
            }
        }
    }
}
