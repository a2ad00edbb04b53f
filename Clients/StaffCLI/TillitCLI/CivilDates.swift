import Foundation
import TillitContracts
import TillitServiceKit

/// Calendar dates on the command line (`2026-03-02`) and in output.
enum CivilDates {
    /// `text` (`YYYY-MM-DD`) as a date, or a usage error naming `option`.
    static func parse(_ text: String, option: String) throws -> CivilDate {
        let parts = text.trimmingCharacters(in: .whitespaces).split(
            separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let date = CivilDate(year: year, month: month, day: day)
        else { throw CLIError(.usage, "\(option): '\(text)' is not a date (YYYY-MM-DD)") }
        return date
    }

    /// `text` (`YYYY-MM-DD`) in its wire form, or a usage error naming `option`.
    static func wire(_ text: String, option: String) throws -> Tillit_Common_V1_Date {
        Tillit_Common_V1_Date(try parse(text, option: option))
    }

    /// `date` as `YYYY-MM-DD`; nil for an unset date (all zero).
    static func text(_ date: Tillit_Common_V1_Date) -> String? {
        guard date.year != 0 || date.month != 0 || date.day != 0 else { return nil }
        return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }

    /// Today's date in `zone`.
    static func today(in zone: TimeZone, now: Date = Date()) -> CivilDate {
        ZoneClock(zone: zone).date(atMillis: Int64((now.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
