import Foundation

/// Formatting of values for people: dates in the user's time zone, lists, empty cells.
enum Display {
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter
    }()

    /// `date` in the user's time zone, e.g. `2026-03-02 14:05 CET`; `-` when absent.
    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        return formatter.string(from: date)
    }

    /// `values` joined with commas; `-` when empty.
    static func list(_ values: [String]) -> String {
        values.isEmpty ? "-" : values.joined(separator: ",")
    }

    /// `text`, or `-` when empty.
    static func cell(_ text: String) -> String {
        text.isEmpty ? "-" : text
    }

    /// Label/value lines aligned on the labels.
    static func fields(_ pairs: [(String, String)]) -> String {
        let width = pairs.map(\.0.count).max() ?? 0
        return pairs.map { label, value in
            (label + ":").padding(toLength: width + 2, withPad: " ", startingAt: 0) + value
        }.joined(separator: "\n")
    }
}
