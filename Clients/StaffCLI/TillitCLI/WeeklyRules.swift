import Foundation
import TillitContracts

/// Weekly working windows as people write them: `mon 09:00-17:00`, or a range of days,
/// `mon-fri 09:00-17:00` (local time of the availability's zone; the end may be 24:00).
enum WeeklyRules {
    /// The rules `text` stands for (one per day of a range); a usage error naming `option`
    /// otherwise.
    static func parse(_ text: String, option: String) throws -> [Tillit_Booking_V1_WeeklyRule] {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let problem = CLIError(
            .usage, "\(option) '\(text)': expected e.g. \"mon 09:00-17:00\" or \"mon-fri 09:00-17:00\"")
        guard parts.count == 2 else { throw problem }
        let days = parts[0].split(separator: "-").map(String.init)
        let times = parts[1].split(separator: "-").map(String.init)
        guard (1...2).contains(days.count), times.count == 2, let start = minute(times[0]),
            let end = minute(times[1]), start < end
        else { throw problem }
        let first = try Names.value(days[0], in: Names.weekdays, what: "weekday").rawValue
        let last = try Names.value(days.last!, in: Names.weekdays, what: "weekday").rawValue
        guard first <= last else { throw problem }
        return (first...last).map { day in
            var rule = Tillit_Booking_V1_WeeklyRule()
            rule.weekday = Tillit_Identity_V1_Weekday(rawValue: day) ?? .unspecified
            rule.startMinute = start
            rule.endMinute = end
            return rule
        }
    }

    /// `mon 09:00-17:00`.
    static func text(_ rule: Tillit_Booking_V1_WeeklyRule) -> String {
        "\(Names.word(rule.weekday, in: Names.weekdays)) \(clock(rule.startMinute))-\(clock(rule.endMinute))"
    }

    /// The rules for people, consecutive days with the same hours joined:
    /// `mon-thu 09:00-17:00, fri 09:00-12:00`; `-` when there are none.
    static func summary(_ rules: [Tillit_Booking_V1_WeeklyRule]) -> String {
        var byDay: [(day: Int, hours: String)] = []
        for day in 1...7 {
            let windows = rules.filter { $0.weekday.rawValue == day }.sorted {
                $0.startMinute < $1.startMinute
            }
            guard !windows.isEmpty else { continue }
            byDay.append(
                (
                    day,
                    windows.map { "\(clock($0.startMinute))-\(clock($0.endMinute))" }.joined(separator: " ")
                ))
        }
        guard !byDay.isEmpty else { return "-" }
        var parts: [String] = []
        var index = 0
        while index < byDay.count {
            var last = index
            while last + 1 < byDay.count, byDay[last + 1].day == byDay[last].day + 1,
                byDay[last + 1].hours == byDay[index].hours
            {
                last += 1
            }
            func word(_ day: Int) -> String {
                Names.word(Tillit_Identity_V1_Weekday(rawValue: day) ?? .unspecified, in: Names.weekdays)
            }
            let days =
                last == index ? word(byDay[index].day) : "\(word(byDay[index].day))-\(word(byDay[last].day))"
            parts.append("\(days) \(byDay[index].hours)")
            index = last + 1
        }
        return parts.joined(separator: ", ")
    }

    /// `HH:MM` of minutes after midnight.
    static func clock(_ minute: UInt32) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// Minutes after midnight of `HH:MM` (00:00–24:00).
    static func minute(_ text: String) -> UInt32? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let hour = UInt32(parts[0]),
            let minute = UInt32(parts[1]), minute < 60, hour < 24 || (hour == 24 && minute == 0)
        else { return nil }
        return hour * 60 + minute
    }
}
