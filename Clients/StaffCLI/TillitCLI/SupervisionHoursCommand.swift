import ArgumentParser
import Foundation
import TillitContracts
import TillitServiceKit

/// `tillit supervision hours`: supervision sessions, the hours report, verification.
struct SupervisionHoursCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hours",
        abstract: "Supervision hours: log a session, report them beside direct contact, verify a period.",
        subcommands: [
            SupervisionHoursLogCommand.self, SupervisionHoursReportCommand.self,
            SupervisionHoursVerifyCommand.self,
        ])
}

/// `tillit supervision hours log`.
struct SupervisionHoursLogCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a supervision session (the supervisee or their supervisor).",
        discussion: """
            Minutes 1–600, a date from the agreement's approval on and not in the future, one of \
            the practice's categories (`tillit supervision categories`). An entry of a verified \
            period is never changed: log a correction with --corrects <entry id> (and --minutes 0 \
            to cancel it out).

            Examples:
              tillit supervision hours log --supervisee me --minutes 60 --category individual
              tillit supervision hours log --supervisee 4d2a… --date 2026-11-30 --kind group --minutes 90 \\
                --category group --note "Case review, three participants"
            """)

    @Option(help: "The supervisee's account id (or me).") var supervisee: String
    @Option(help: "The day (default: today in the practice's zone).") var date: String?
    @Option(help: "individual, group or peer.") var kind = "individual"
    @Option(help: "Minutes (1–600; 0 only for a correction).") var minutes: UInt32
    @Option(help: "One of the practice's categories.") var category: String
    @Option(help: "A short note.") var note = ""
    @Option(help: "The entry this one corrects.") var corrects: String?
    @Option(help: "The supervisor (default: the supervisee's one supervisor on that date).")
    var supervisor: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let kind = try Names.value(self.kind, in: Names.supervisionKinds, what: "kind")
            let explicitDate = try date.map { try CivilDates.wire($0, option: "--date") }
            let session = try await withSupervision { call in
                var request = Tillit_Supervision_V1_LogSessionRequest()
                request.superviseeID = call.accountID(supervisee)
                request.kind = kind
                if let explicitDate {
                    request.date = explicitDate
                } else {
                    request.date = .init(try await call.today())
                }
                request.minutes = minutes
                request.category = category
                request.note = note
                request.corrects = corrects ?? ""
                if let supervisor { request.supervisorID = call.accountID(supervisor) }
                return try await call.client.logSession(request, options: call.options).session
            }
            let view = SupervisionSessionView(session)
            try output.emit(view) {
                "Logged \(view.minutes) min of \(view.kind) supervision (\(view.category)) on \(view.date): \(view.id)"
            }
        }
    }
}

/// `tillit supervision hours report`.
struct SupervisionHoursReportCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Supervision hours per period beside direct-contact hours, with the ratio.",
        discussion: """
            Periods are weeks (Monday to Sunday), months, or the range as one period (custom), in \
            the practice's zone; at most 366 days. --csv writes the periods as CSV (minutes); \
            --png draws supervision against direct-contact hours per period as a bar chart.

            Examples:
              tillit supervision hours report --supervisee me
              tillit supervision hours report --supervisee 4d2a… --period week --from 2026-10-01 --to 2026-12-31
              tillit supervision hours report --supervisee 4d2a… --csv hours.csv --png hours.png
            """)

    @Option(help: "The supervisee's account id (or me).") var supervisee: String
    @Option(help: "week, month or custom.") var period = "month"
    @Option(help: "The first day (default: the first of the month eleven months ago).") var from: String?
    @Option(help: "The last day, inclusive (default: today).") var to: String?
    @Option(help: "Also write the periods as CSV to this file (- for standard output).") var csv: String?
    @Option(help: "Also draw a PNG bar chart into this file.") var png: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let kind = try Names.value(period, in: Names.reportPeriods, what: "period")
            let explicitFrom = try from.map { try CivilDates.parse($0, option: "--from") }
            let explicitTo = try to.map { try CivilDates.parse($0, option: "--to") }
            let (report, names) = try await withSupervision { call in
                var request = Tillit_Supervision_V1_HoursReportRequest()
                request.superviseeID = call.accountID(supervisee)
                request.period = kind
                let last: CivilDate
                if let explicitTo { last = explicitTo } else { last = try await call.today() }
                request.from = .init(explicitFrom ?? Self.firstOfMonth(last.adding(months: -11)))
                request.to = .init(last)
                let response = try await call.client.hoursReport(request, options: call.options)
                return (
                    HoursReportView(supervisee: request.superviseeID.value, response),
                    await call.context(names: !output.json)
                )
            }
            if let csv {
                if csv == "-" {
                    FileHandle.standardOutput.write(Data(report.csv.utf8))
                } else {
                    try Self.write(Data(report.csv.utf8), to: csv)
                }
            }
            if let png { try Self.write(report.chart.png(), to: png) }
            guard csv != "-" else { return }
            try output.emit(report) {
                var text = report.table(names)
                if let csv { text += "\nCSV written to \(csv)" }
                if let png { text += "\nChart written to \(png)" }
                return text
            }
        }
    }

    static func firstOfMonth(_ date: CivilDate) -> CivilDate {
        let (year, month, _) = date.components
        return CivilDate(year: year, month: month, day: 1)!
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError(.invalidInput, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// `tillit supervision hours verify`.
struct SupervisionHoursVerifyCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify (sign) a period of your supervisee's entries: they are locked (supervisors).",
        discussion: """
            Example:
              tillit supervision hours verify --supervisee 4d2a… --from 2026-11-01 --to 2026-11-30
            """)

    @Option(help: "The supervisee's account id.") var supervisee: String
    @Option(help: "The first day.") var from: String
    @Option(help: "The last day, inclusive.") var to: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var periodId: String
        var sessions: UInt32
        var minutes: UInt64
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let start = try CivilDates.wire(from, option: "--from")
            let end = try CivilDates.wire(to, option: "--to")
            let response = try await withSupervision { call in
                var request = Tillit_Supervision_V1_VerifyPeriodRequest()
                request.superviseeID = call.accountID(supervisee)
                request.from = start
                request.to = end
                return try await call.client.verifyPeriod(request, options: call.options)
            }
            let result = Result(
                periodId: response.periodID, sessions: response.sessions, minutes: response.minutes)
            try output.emit(result) {
                "Verified \(from) – \(to): \(result.sessions) sessions, "
                    + "\(HoursReportView.hours(result.minutes)) h locked (period \(result.periodId))."
            }
        }
    }
}

/// `tillit supervision categories`: the practice's hour categories.
struct SupervisionCategoriesCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "categories",
        abstract: "The practice's supervision-hour categories; --set replaces them (admin).",
        discussion: """
            Examples:
              tillit supervision categories
              tillit supervision categories --set individual,group,"case review"
            """)

    @Option(help: "Replace the categories (comma-separated, 1–30 names).") var set: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let categories = try await withSupervision { call in
                if let set {
                    let names = set.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    return try await call.client.setCategories(
                        .with { $0.categories = names }, options: call.options
                    ).categories
                }
                return try await call.client.listCategories(.init(), options: call.options).categories
            }
            try output.emit(categories) {
                categories.isEmpty ? "No categories." : categories.joined(separator: "\n")
            }
        }
    }
}
