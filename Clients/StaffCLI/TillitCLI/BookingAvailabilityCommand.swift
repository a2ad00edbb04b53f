import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking availability`: practitioners' weekly working windows at locations.
struct BookingAvailabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "availability",
        abstract: "Set or list weekly availability (set: the practitioner, a scheduler or an admin).",
        discussion: """
            Example:
              tillit booking availability set --practitioner me --location 1b6e… \\
                --rule "mon-thu 09:00-17:00" --rule "fri 09:00-12:00"
            """,
        subcommands: [BookingAvailabilitySetCommand.self, BookingAvailabilityListCommand.self])
}

/// `tillit booking availability set`: replaces a practitioner's rules at one location.
struct BookingAvailabilitySetCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Replace a practitioner's weekly availability at a location.",
        discussion: """
            Rules are local times of --time-zone (default: the practice's zone): "mon 09:00-17:00", \
            or a range of days, "mon-fri 09:00-17:00". No rule: no weekly hours there. Appointments \
            already booked stay.

            Examples:
              tillit booking availability set --practitioner 4d2a… --location 1b6e… \\
                --rule "mon-thu 09:00-17:00" --rule "fri 09:00-12:00"
              tillit booking availability set --practitioner me --location 1b6e… \\
                --rule "tue 13:00-19:00" --session-type 7c1f… --step 30 --time-zone Europe/Helsinki
            """)

    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "The location id (tillit org show).") var location: String
    @Option(help: "A weekly window, e.g. \"mon-fri 09:00-17:00\" (repeatable).") var rule: [String] = []
    @Option(help: "IANA zone of the rules (default: the practice's).") var timeZone = ""
    @Option(help: "A session type offered there (repeatable; default: every active one).")
    var sessionType: [String] = []
    @Option(help: "Minutes between slot starts (5–480; default: the session plus its buffer).")
    var step: UInt32 = 0
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let rules = try rule.flatMap { try WeeklyRules.parse($0, option: "--rule") }
            let (stored, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_SetAvailabilityRequest()
                request.availability.practitionerID.value = call.account(practitioner)
                request.availability.locationID = location
                request.availability.timeZone = timeZone
                request.availability.rules = rules
                request.availability.sessionTypeIds = sessionType
                request.availability.slotStepMinutes = step
                let stored = try await call.client.setAvailability(request, options: call.options)
                    .availability
                let context = try await call.context(zone: nil, names: !output.json)
                return (stored, context)
            }
            let view = AvailabilityView(stored)
            try output.emit(view) {
                "Availability of \(context.account(view.practitionerId)) at \(context.location(view.locationId)) "
                    + "(\(view.timeZone)): \(WeeklyRules.summary(stored.rules))"
            }
        }
    }
}

/// `tillit booking availability list`.
struct BookingAvailabilityListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List weekly availability by practitioner and location.",
        discussion: """
            Example:
              tillit booking availability list --practitioner me
            """)

    @Option(help: "Only this practitioner (account id, or me).") var practitioner: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (sets, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_ListAvailabilityRequest()
                if let practitioner { request.practitionerID.value = call.account(practitioner) }
                let sets = try await call.client.listAvailability(request, options: call.options).availability
                return (sets, try await call.context(zone: nil, names: !output.json))
            }
            let views = sets.map(AvailabilityView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No availability."
                    : Terminal.table(header: AvailabilityView.header, rows: views.map { $0.row(context) })
            }
        }
    }
}
