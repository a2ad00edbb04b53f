import ArgumentParser
import Foundation
import TillitContracts

/// `tillit supervision incidents`: boundary incidents and the practice's pattern rule.
struct SupervisionIncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "Boundary incidents: log, list, counts per category, the pattern rule.",
        discussion: """
            Categories: out-of-hours-contact, gift, social-invitation, dual-relationship, \
            personal-phone-shared, self-disclosure, other. When the practice's pattern rule \
            matches (default: three of one category in 30 days), the supervisee is flagged for \
            the next supervision session (`tillit supervision flags`).
            """,
        subcommands: [
            SupervisionIncidentsListCommand.self, SupervisionIncidentsLogCommand.self,
            SupervisionIncidentsOutOfHoursCommand.self, SupervisionIncidentsCountsCommand.self,
            SupervisionIncidentsRuleCommand.self,
        ],
        defaultSubcommand: SupervisionIncidentsListCommand.self)
}

/// `tillit supervision incidents list`.
struct SupervisionIncidentsListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Your own incidents, or (a supervisor) a supervisee's.")

    @Option(help: "The supervisee (default: me).") var supervisee = "me"
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (incidents, names) = try await withSupervision { call in
                let response = try await call.client.listIncidents(
                    .with { $0.superviseeID = call.accountID(supervisee) }, options: call.options)
                return (response.incidents, await call.context(names: !output.json))
            }
            let views = incidents.map(IncidentView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No incidents."
                    : Terminal.table(
                        header: ["DATE", "CATEGORY", "SUPERVISEE", "LOGGED BY", "TEXT", "ID"],
                        rows: views.map {
                            [
                                $0.date, $0.category, names.account($0.superviseeId),
                                names.account($0.loggedBy),
                                Display.cell($0.text), $0.id,
                            ]
                        })
            }
        }
    }
}

/// What `log` and `out-of-hours` print: the incident and a flag when the rule matched.
struct LoggedIncidentView: Codable, Sendable {
    var incident: IncidentView
    var flag: FlagView?

    /// The text for people.
    var text: String {
        var line = "Logged \(incident.category) on \(incident.date): \(incident.id)"
        if let flag { line += "\nThe supervisee is \(flag.sentence)." }
        return line
    }
}

/// `tillit supervision incidents log`.
struct SupervisionIncidentsLogCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a boundary incident (the supervisee; their supervisor).",
        discussion: """
            Example:
              tillit supervision incidents log --supervisee me --category gift --text "A client brought flowers."
            """)

    @Option(help: "The supervisee (default: me).") var supervisee = "me"
    @Option(help: "The category.") var category: String
    @Option(help: "The day (default: today in the practice's zone).") var date: String?
    @Option(help: "What happened (1–4,000 characters).") var text: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let category = try Names.value(self.category, in: Names.incidentCategories, what: "category")
            let explicitDate = try date.map { try CivilDates.wire($0, option: "--date") }
            let response = try await withSupervision { call in
                var request = Tillit_Supervision_V1_LogIncidentRequest()
                request.superviseeID = call.accountID(supervisee)
                request.category = category
                if let explicitDate {
                    request.date = explicitDate
                } else {
                    request.date = .init(try await call.today())
                }
                request.text = text
                return try await call.client.logIncident(request, options: call.options)
            }
            let view = LoggedIncidentView(
                incident: IncidentView(response.incident),
                flag: response.hasFlag ? FlagView(response.flag) : nil)
            try output.emit(view) { view.text }
        }
    }
}

/// `tillit supervision incidents out-of-hours`.
struct SupervisionIncidentsOutOfHoursCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "out-of-hours",
        abstract:
            "Log an out-of-hours contact at a time, as Booking's contact window judges it (you were contacted).",
        discussion: """
            Refused (exit 67) when the time was within your agreed contact window \
            (`tillit booking contact-window`).

            Example:
              tillit supervision incidents out-of-hours --at "2026-12-02 22:40" --text "Text message from a client"
            """)

    @Option(help: "When: a time in --zone (default: now).") var at: String?
    @Option(help: "What happened.") var text: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let clock =
                try zone.zone.map { try LocalClock(identifier: $0, option: "--zone") }
                ?? LocalClock(zone: TimeZone.current)
            let instant = try at.map { try clock.instant($0, option: "--at") } ?? Date()
            let response = try await withSupervision { call in
                var request = Tillit_Supervision_V1_LogOutOfHoursContactRequest()
                request.at = .init(instant)
                request.text = text
                return try await call.client.logOutOfHoursContact(request, options: call.options)
            }
            let view = LoggedIncidentView(
                incident: IncidentView(response.incident),
                flag: response.hasFlag ? FlagView(response.flag) : nil)
            try output.emit(view) { view.text }
        }
    }
}

/// `tillit supervision incidents counts`.
struct SupervisionIncidentsCountsCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "counts",
        abstract: "Incidents per category in a range, counts only, never texts (admin).")

    @Option(help: "The first day.") var from: String
    @Option(help: "The last day, inclusive.") var to: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let start = try CivilDates.wire(from, option: "--from")
            let end = try CivilDates.wire(to, option: "--to")
            let counts = try await withSupervision { call in
                try await call.client.incidentCounts(
                    .with {
                        $0.from = start
                        $0.to = end
                    }, options: call.options
                ).counts
            }
            let view = Dictionary(
                counts.map { (Names.word($0.category, in: Names.incidentCategories), $0.incidents) },
                uniquingKeysWith: +)
            try output.emit(view) {
                Terminal.table(
                    header: ["CATEGORY", "INCIDENTS"],
                    rows: Names.incidentCategories.map { [$0.0, String(view[$0.0] ?? 0)] })
            }
        }
    }
}

/// `tillit supervision incidents rule`.
struct SupervisionIncidentsRuleCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Set the practice's pattern rule: N incidents of one category within D days (admin).",
        discussion: """
            Example:
              tillit supervision incidents rule --threshold 3 --window-days 30
            """)

    @Option(help: "Incidents of one category that flag the supervisee.") var threshold: UInt32
    @Option(help: "Within this many days.") var windowDays: UInt32
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var threshold: UInt32
        var windowDays: UInt32
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let response = try await withSupervision { call in
                try await call.client.setPatternRule(
                    .with {
                        $0.threshold = threshold
                        $0.windowDays = windowDays
                    }, options: call.options)
            }
            let result = Result(threshold: response.threshold, windowDays: response.windowDays)
            try output.emit(result) {
                "Pattern rule: \(result.threshold) incidents of one category within \(result.windowDays) days flag the supervisee."
            }
        }
    }
}
