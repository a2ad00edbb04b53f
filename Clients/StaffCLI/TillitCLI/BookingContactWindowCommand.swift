import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking contact-window`: whether contacting a practitioner now (or at a time) is
/// within the practice's agreed contact hours; outside, what applies and where to turn.
struct BookingContactWindowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-window",
        abstract: "Whether contact with a practitioner is within the agreed contact hours now (or --at).",
        discussion: """
            Prints "within" or "outside"; outside, the rule that applies, when contact hours start \
            again, the practice's emergency instructions and its crisis lines. Exit 0 either way \
            (use --json and .within in scripts).

            Examples:
              tillit booking contact-window --practitioner 4d2a…
              tillit booking contact-window --practitioner 4d2a… --at "2026-03-28 22:00" --json
            """)

    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "The moment to check (default: now).") var at: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var practitionerId: String
        var at: Date
        var within: Bool
        /// The rule outside the hours (night or weekend).
        var rule: String?
        var nextWindowStart: Date?
        var emergencyInstructions: String?
        var crisisLines: [ContactPolicyView.Line]
        /// The practice zone of the hours, and `at` in it.
        var timeZone: String
        var localTime: String
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (result, clock) = try await withBooking { call in
                var request = Tillit_Booking_V1_CheckContactWindowRequest()
                request.practitionerID.value = call.account(practitioner)
                var moment = Date()
                var given: LocalClock?
                if let zone = zone.zone { given = try LocalClock(identifier: zone, option: "--zone") }
                if let at {
                    // A wall time is read in --zone, else the practice's zone.
                    var clock = given
                    if clock == nil { clock = try await call.context(zone: nil, names: false).clock }
                    guard let clock else { throw CLIError(.internalError, "no time zone to read --at in") }
                    moment = try clock.instant(at, option: "--at")
                }
                request.at = .init(moment)
                let response = try await call.client.checkContactWindow(request, options: call.options)
                let result = Result(
                    practitionerId: request.practitionerID.value, at: moment, within: response.within,
                    rule: response.within ? nil : Names.word(response.rule, in: Names.rules),
                    nextWindowStart: response.hasNextWindowStart ? response.nextWindowStart.date : nil,
                    emergencyInstructions: response.emergencyInstructions.isEmpty
                        ? nil : response.emergencyInstructions,
                    crisisLines: response.crisisLines.map {
                        ContactPolicyView.Line(name: $0.name, phone: $0.phone, hours: $0.hours, url: $0.url)
                    },
                    timeZone: response.timeZone, localTime: response.localTime)
                let clock =
                    try given ?? LocalClock(identifier: response.timeZone, option: "the practice's time zone")
                return (result, clock)
            }
            try output.emit(result) { Self.text(result, clock: clock) }
        }
    }

    static func text(_ result: Result, clock: LocalClock) -> String {
        let next = result.nextWindowStart.map { "; contact hours start again \(clock.dateTime($0))" } ?? ""
        guard !result.within else {
            return "within the agreed contact hours (\(clock.dateTime(result.at)))"
        }
        var lines = [
            "outside the agreed contact hours (\(clock.dateTime(result.at))): \(result.rule ?? "no-contact")\(next)"
        ]
        lines.append("")
        lines.append("Emergency: \(result.emergencyInstructions ?? "-")")
        if !result.crisisLines.isEmpty {
            lines.append("")
            lines.append(
                Terminal.table(
                    header: ["CRISIS LINE", "PHONE", "HOURS", "URL"],
                    rows: result.crisisLines.map {
                        [$0.name, $0.phone, Display.cell($0.hours), Display.cell($0.url)]
                    }))
        }
        return lines.joined(separator: "\n")
    }
}
