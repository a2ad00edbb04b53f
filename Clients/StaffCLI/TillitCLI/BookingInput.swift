import Foundation
import TillitContracts

/// Values of `tillit booking` options that are not times: money, minute counts, rest periods.
enum BookingInput {
    /// `1100 SEK` or `1100.50 SEK` (an amount with at most two decimals, then an ISO 4217 code);
    /// a usage error naming `option` otherwise.
    static func money(_ text: String, option: String) throws -> Tillit_Common_V1_Money {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let problem = CLIError(
            .usage, "\(option) '\(text)': expected an amount and a currency, e.g. \"1100.00 SEK\"")
        guard parts.count == 2 else { throw problem }
        let amount = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(amount.count), let whole = Int64(amount[0]), whole >= 0,
            amount.count == 1 || (1...2).contains(amount[1].count)
        else { throw problem }
        var cents: Int64 = 0
        if amount.count == 2 {
            guard let fraction = Int64(amount[1]), fraction >= 0 else { throw problem }
            cents = amount[1].count == 1 ? fraction * 10 : fraction
        }
        let (hundreds, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow else { throw problem }
        var money = Tillit_Common_V1_Money()
        money.currency = parts[1].uppercased()
        money.minorUnits = hundreds + cents
        return money
    }

    /// `1100.00 SEK`.
    static func text(_ money: Tillit_Common_V1_Money) -> String {
        let sign = money.minorUnits < 0 ? "-" : ""
        let magnitude = money.minorUnits.magnitude
        return "\(sign)\(magnitude / 100).\(String(format: "%02d", Int(magnitude % 100))) \(money.currency)"
    }

    /// Minutes as `90`, `90m`, `24h` or `2d`; a usage error naming `option` otherwise.
    static func minutes(_ text: String, option: String) throws -> UInt32 {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let factor: UInt32
        var digits = Substring(trimmed)
        switch trimmed.last {
        case "m":
            factor = 1
            digits = digits.dropLast()
        case "h":
            factor = 60
            digits = digits.dropLast()
        case "d":
            factor = 1440
            digits = digits.dropLast()
        default: factor = 1
        }
        guard let number = UInt32(digits), number <= 1_000_000 else {
            throw CLIError(.usage, "\(option) '\(text)': expected minutes, e.g. 90, 90m, 24h or 2d")
        }
        return number * factor
    }

    /// A rest period: `6w`, `6 weeks`, `10d`, `3 months`; a usage error naming `option`
    /// otherwise.
    static func rest(_ text: String, option: String) throws -> (
        amount: UInt32, unit: Tillit_Booking_V1_RestUnit
    ) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = trimmed.prefix { $0.isNumber }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        let units: [String: Tillit_Booking_V1_RestUnit] = [
            "d": .days, "day": .days, "days": .days, "w": .weeks, "week": .weeks, "weeks": .weeks,
            "m": .months,
            "month": .months, "months": .months,
        ]
        guard let amount = UInt32(number), let restUnit = units[unit] else {
            throw CLIError(.usage, "\(option) '\(text)': expected e.g. 6w, \"6 weeks\", 10d or \"3 months\"")
        }
        return (amount, restUnit)
    }
}

extension BookingInput {
    /// A calendar date `2026-03-16`; a usage error naming `option` otherwise.
    static func date(_ text: String, option: String) throws -> Tillit_Common_V1_Date {
        let parts = text.trimmingCharacters(in: .whitespaces).split(
            separator: "-", omittingEmptySubsequences: false)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int32(parts[0]), let month = Int32(parts[1]), let day = Int32(parts[2]),
            (1...12).contains(month), day >= 1,
            let first = calendar.date(from: DateComponents(year: Int(year), month: Int(month), day: 1)),
            let days = calendar.range(of: .day, in: .month, for: first), days.contains(Int(day))
        else { throw CLIError(.usage, "\(option) '\(text)': expected a date like 2026-03-16") }
        var date = Tillit_Common_V1_Date()
        date.year = year
        date.month = month
        date.day = day
        return date
    }

    /// `2026-03-16`.
    static func text(_ date: Tillit_Common_V1_Date) -> String {
        String(format: "%04d-%02d-%02d", Int(date.year), Int(date.month), Int(date.day))
    }
}
