import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking contact-hours`: a practitioner's attended direct-contact time in a range.
struct BookingContactHoursCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-hours",
        abstract: "A practitioner's attended direct-contact time in a range (booked and actual minutes).",
        discussion: """
            Counts attended appointments starting in [--from, --until), at most 731 days.

            Examples:
              tillit booking contact-hours --practitioner me
              tillit booking contact-hours --practitioner 4d2a… --from 2026-01-01 --until 2026-07-01 --json
            """)

    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "Start: a date or a time (default: 365 days ago).") var from: String?
    @Option(help: "End, exclusive: a date or a time (default: now).") var until: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var practitionerId: String
        var from: Date
        var until: Date
        var appointments: UInt32
        var attendedMinutes: UInt64
        var actualMinutes: UInt64
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (result, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                let end = try until.map { try context.clock.dayStart($0, option: "--until") } ?? Date()
                let start =
                    try from.map { try context.clock.dayStart($0, option: "--from") }
                    ?? end.addingTimeInterval(-365 * 86_400)
                var request = Tillit_Booking_V1_DirectContactHoursRequest()
                request.practitionerID.value = call.account(practitioner)
                request.during.start = .init(start)
                request.during.end = .init(end)
                let response = try await call.client.directContactHours(request, options: call.options)
                let result = Result(
                    practitionerId: request.practitionerID.value, from: start, until: end,
                    appointments: response.appointments, attendedMinutes: response.attendedMinutes,
                    actualMinutes: response.actualMinutes)
                return (result, context)
            }
            try output.emit(result) {
                Display.fields([
                    ("Practitioner", context.account(result.practitionerId)),
                    ("From", context.clock.dateTime(result.from)),
                    ("Until", context.clock.dateTime(result.until)),
                    ("Sessions attended", String(result.appointments)),
                    ("Booked time", Self.hours(result.attendedMinutes)),
                    ("Actual time", Self.hours(result.actualMinutes)),
                ])
            }
        }
    }

    /// `12 h 30 min`.
    static func hours(_ minutes: UInt64) -> String {
        minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
    }
}
