import ArgumentParser
import Foundation
import TillitContracts

/// `tillit org contact-policy`: when clients may contact practitioners, and what applies otherwise.
struct ContactPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-policy",
        abstract: "Show or set the practice's contact policy.",
        discussion: """
            Example:
              tillit org contact-policy show
            """,
        subcommands: [ContactPolicyShowCommand.self, ContactPolicySetCommand.self])
}

/// The contact policy as `tillit` prints it.
struct ContactPolicyView: Codable, Sendable {
    struct Hours: Codable, Sendable {
        var weekday: String
        var start: String
        var end: String
    }

    struct Line: Codable, Sendable {
        var name: String
        var phone: String
        var hours: String
        var url: String
    }

    var timeZone: String
    var hours: [Hours]
    var nightRule: String
    var weekendRule: String
    var emergencyInstructions: String
    var crisisLines: [Line]
    var updatedAt: Date?
    var updatedBy: String?

    init(_ policy: Tillit_Identity_V1_ContactPolicy, timeZone: String) {
        self.timeZone = timeZone
        hours = policy.hours.map {
            Hours(
                weekday: Names.word($0.weekday, in: Names.weekdays), start: Self.clock($0.startMinute),
                end: Self.clock($0.endMinute))
        }
        nightRule = Names.word(policy.nightRule, in: Names.rules)
        weekendRule = Names.word(policy.weekendRule, in: Names.rules)
        emergencyInstructions = policy.emergencyInstructions
        crisisLines = policy.crisisLines.map {
            Line(name: $0.name, phone: $0.phone, hours: $0.hours, url: $0.url)
        }
        updatedAt = policy.hasUpdatedAt ? policy.updatedAt.date : nil
        updatedBy = policy.hasUpdatedBy && !policy.updatedBy.value.isEmpty ? policy.updatedBy.value : nil
    }

    static func clock(_ minute: UInt32) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    var text: String {
        var lines = [
            Display.fields([
                ("Time zone", timeZone), ("Nights", nightRule), ("Weekends", weekendRule),
                ("Emergency", Display.cell(emergencyInstructions)), ("Updated", Display.date(updatedAt)),
            ])
        ]
        lines.append("")
        lines.append(
            hours.isEmpty
                ? "No contact hours."
                : Terminal.table(
                    header: ["DAY", "FROM", "TO"], rows: hours.map { [$0.weekday, $0.start, $0.end] }))
        if !crisisLines.isEmpty {
            lines.append("")
            lines.append(
                Terminal.table(
                    header: ["CRISIS LINE", "PHONE", "HOURS", "URL"],
                    rows: crisisLines.map {
                        [$0.name, $0.phone, Display.cell($0.hours), Display.cell($0.url)]
                    }))
        }
        return lines.joined(separator: "\n")
    }
}

/// `tillit org contact-policy show`.
struct ContactPolicyShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the contact policy (hours in the practice's time zone).",
        discussion: """
            Example:
              tillit org contact-policy show --json
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let response = try await withIdentity { call in
                try await call.client.getContactPolicy(
                    Tillit_Identity_V1_GetContactPolicyRequest(), options: call.options)
            }
            let view = ContactPolicyView(response.policy, timeZone: response.timeZone)
            try output.emit(view) { view.text }
        }
    }
}

/// `tillit org contact-policy set`: replaces the whole policy.
struct ContactPolicySetCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Replace the contact policy (admin).",
        discussion: """
            Hours are in the practice's time zone; a day may be a range (mon-fri). Rules: \
            no-contact, emergency-only, messages-answered-next-day.

            Example:
              tillit org contact-policy set --hours "mon-thu 09:00-17:00" --hours "fri 09:00-12:00" \\
                --night-rule no-contact --weekend-rule emergency-only \\
                --emergency "In an emergency call 112" \\
                --crisis-line "Mind Självmordslinjen|90101|around the clock|https://mind.se"
            """)

    @Option(help: "Contact hours as \"<day or day-day> HH:MM-HH:MM\" (repeatable).")
    var hours: [String] = []

    @Option(help: "What applies on weekday nights.")
    var nightRule = "no-contact"

    @Option(help: "What applies on weekends outside listed hours.")
    var weekendRule = "no-contact"

    @Option(help: "Shown to clients outside the hours, e.g. \"In an emergency call 112\".")
    var emergency = ""

    @Option(help: "A crisis line as \"name|phone|hours|url\" (repeatable).")
    var crisisLine: [String] = []

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var policy = Tillit_Identity_V1_ContactPolicy()
            policy.hours = try hours.flatMap(Self.parseHours)
            policy.nightRule = try Names.value(nightRule, in: Names.rules, what: "rule")
            policy.weekendRule = try Names.value(weekendRule, in: Names.rules, what: "rule")
            policy.emergencyInstructions = emergency
            policy.crisisLines = try crisisLine.map(Self.parseCrisisLine)
            var request = Tillit_Identity_V1_SetContactPolicyRequest()
            request.policy = policy
            let (stored, timeZone) = try await withIdentity { call in
                let stored = try await call.client.setContactPolicy(request, options: call.options).policy
                let organization = try await call.client.getOrganization(
                    Tillit_Identity_V1_GetOrganizationRequest(), options: call.options)
                return (stored, organization.organization.timeZone)
            }
            let view = ContactPolicyView(stored, timeZone: timeZone)
            try output.emit(view) { "Contact policy set.\n\n" + view.text }
        }
    }

    /// `mon 09:00-17:00` or `mon-fri 09:00-17:00`.
    static func parseHours(_ text: String) throws -> [Tillit_Identity_V1_ContactHours] {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let problem = CLIError(
            .usage, "--hours '\(text)': expected e.g. \"mon 09:00-17:00\" or \"mon-fri 09:00-17:00\"")
        guard parts.count == 2 else { throw problem }
        let days = parts[0].split(separator: "-").map(String.init)
        let times = parts[1].split(separator: "-").map(String.init)
        guard (1...2).contains(days.count), times.count == 2, let start = minute(times[0]),
            let end = minute(times[1])
        else { throw problem }
        let first = try Names.value(days[0], in: Names.weekdays, what: "weekday").rawValue
        let last = try Names.value(days.last!, in: Names.weekdays, what: "weekday").rawValue
        guard first <= last else { throw problem }
        return (first...last).map { day in
            var hours = Tillit_Identity_V1_ContactHours()
            hours.weekday = Tillit_Identity_V1_Weekday(rawValue: day) ?? .unspecified
            hours.startMinute = start
            hours.endMinute = end
            return hours
        }
    }

    private static func minute(_ text: String) -> UInt32? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = UInt32(parts[0]), let minute = UInt32(parts[1]), hour <= 24,
            minute < 60
        else { return nil }
        return hour * 60 + minute
    }

    /// `name|phone|hours|url`.
    static func parseCrisisLine(_ text: String) throws -> Tillit_Identity_V1_CrisisLine {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard (2...4).contains(parts.count) else {
            throw CLIError(.usage, "--crisis-line '\(text)': expected \"name|phone|hours|url\"")
        }
        var line = Tillit_Identity_V1_CrisisLine()
        line.name = parts[0]
        line.phone = parts[1]
        line.hours = parts.count > 2 ? parts[2] : ""
        line.url = parts.count > 3 ? parts[3] : ""
        return line
    }
}
