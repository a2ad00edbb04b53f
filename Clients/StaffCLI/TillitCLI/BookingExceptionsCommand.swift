import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking exceptions`: leave, blocked days and extra hours.
struct BookingExceptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exceptions",
        abstract: "Add, list and remove availability exceptions (leave, blocked time, extra hours).",
        discussion: """
            Example:
              tillit booking exceptions add --practitioner me --kind blocked \\
                --from 2026-07-01 --until 2026-08-01 --reason "summer leave"
            """,
        subcommands: [
            BookingExceptionsAddCommand.self, BookingExceptionsListCommand.self,
            BookingExceptionsRemoveCommand.self,
        ])
}

/// `tillit booking exceptions add`.
struct BookingExceptionsAddCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Block time (all locations) or add extra hours at a location.",
        discussion: """
            --from and --until are times, or dates meaning local midnight (--until is exclusive).

            Examples:
              tillit booking exceptions add --practitioner me --kind blocked \\
                --from 2026-07-01 --until 2026-08-01 --reason "summer leave"
              tillit booking exceptions add --practitioner 4d2a… --kind extra-hours --location 1b6e… \\
                --from "2026-04-04 10:00" --until "2026-04-04 14:00"
            """)

    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "blocked or extra-hours.") var kind: String
    @Option(help: "Start: a time, or a date (local midnight).") var from: String
    @Option(help: "End (exclusive): a time, or a date (local midnight).") var until: String
    @Option(help: "Where the extra hours are (extra-hours only).") var location = ""
    @Option(help: "Why, for colleagues.") var reason = ""
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let kind = try Names.value(kind, in: Names.exceptionKinds, what: "kind")
            let (stored, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                var request = Tillit_Booking_V1_AddAvailabilityExceptionRequest()
                request.exception.practitionerID.value = call.account(practitioner)
                request.exception.kind = kind
                request.exception.during.start = .init(try context.clock.dayStart(from, option: "--from"))
                request.exception.during.end = .init(try context.clock.dayStart(until, option: "--until"))
                request.exception.locationID = location
                request.exception.reason = reason
                let stored = try await call.client.addAvailabilityException(request, options: call.options)
                    .exception
                return (stored, context)
            }
            let view = AvailabilityExceptionView(stored)
            try output.emit(view) {
                "Added \(view.kind) for \(context.account(view.practitionerId)) from "
                    + "\(context.clock.dateTime(view.start)) until \(context.clock.dateTime(view.end)): \(view.id)"
            }
        }
    }
}

/// `tillit booking exceptions list`.
struct BookingExceptionsListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a practitioner's exceptions overlapping a range (staff).",
        discussion: """
            Example:
              tillit booking exceptions list --practitioner me --from today --days 90
            """)

    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "Start of the range: a date or a time.") var from = "today"
    @Option(help: "Days in the range (1–731).") var days = 90
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...731).contains(days) else { throw ValidationError("--days must be from 1 to 731") }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (records, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                let start = try context.clock.dayStart(from, option: "--from")
                var request = Tillit_Booking_V1_ListAvailabilityExceptionsRequest()
                request.practitionerID.value = call.account(practitioner)
                request.during.start = .init(start)
                request.during.end = .init(context.clock.addingDays(days, to: start))
                let records = try await call.client.listAvailabilityExceptions(request, options: call.options)
                return (records.exceptions, context)
            }
            let views = records.map(AvailabilityExceptionView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No exceptions."
                    : Terminal.table(
                        header: AvailabilityExceptionView.header(context), rows: views.map { $0.row(context) }
                    )
            }
        }
    }
}

/// `tillit booking exceptions remove`.
struct BookingExceptionsRemoveCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove an exception.",
        discussion: """
            Example:
              tillit booking exceptions remove 9a3e…
            """)

    @Argument(help: "The exception id.") var exceptionID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var removed: String
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_RemoveAvailabilityExceptionRequest()
            request.exceptionID = exceptionID
            _ = try await withBooking { call in
                try await call.client.removeAvailabilityException(request, options: call.options)
            }
            try output.emit(Result(removed: exceptionID)) { "Removed exception \(exceptionID)." }
        }
    }
}
