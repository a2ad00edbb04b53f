import Foundation

/// Instants for people in one IANA time zone: printed as `2026-03-30 10:00 CEST`, and read
/// from what people type — `2026-03-30 10:00` (or with a `T`) in this zone, an RFC 3339 time
/// with an offset or `Z`, or `now`; dates `2026-03-30`, `today`, `tomorrow` (local midnight).
struct LocalClock: Sendable {
    /// The zone.
    let zone: TimeZone

    /// The clock of `zone`.
    init(zone: TimeZone) {
        self.zone = zone
    }

    /// The clock of the IANA zone `identifier`; a usage error naming `option` if unknown.
    init(identifier: String, option: String) throws {
        guard let zone = TimeZone(identifier: identifier) else {
            throw CLIError(.usage, "\(option) '\(identifier)': not an IANA time zone (e.g. Europe/Stockholm)")
        }
        self.zone = zone
    }

    /// The zone's IANA name.
    var identifier: String { zone.identifier }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = format
        return formatter
    }

    /// `2026-03-30 10:00 CEST`; `-` when absent.
    func dateTime(_ date: Date?) -> String {
        guard let date else { return "-" }
        return formatter("yyyy-MM-dd HH:mm zzz").string(from: date)
    }

    /// `Mon 2026-03-30 10:00`, for tables whose header names the zone.
    func dayAndTime(_ date: Date) -> String {
        formatter("EEE yyyy-MM-dd HH:mm").string(from: date)
    }

    /// `10:00`.
    func time(_ date: Date) -> String {
        formatter("HH:mm").string(from: date)
    }

    /// The zone's abbreviation at `date`, e.g. `CEST`.
    func abbreviation(at date: Date = Date()) -> String {
        formatter("zzz").string(from: date)
    }

    /// The instant `text` names; a usage error naming `option` otherwise.
    func instant(_ text: String, option: String) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "now" { return Date() }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: trimmed) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: trimmed) { return date }
        if let date = wallTime(trimmed) { return date }
        throw CLIError(
            .usage,
            "\(option) '\(text)': expected a time like \"2026-03-30 10:00\" (\(identifier)), "
                + "\"2026-03-30T10:00:00+02:00\" or \"now\"")
    }

    /// The instant of the wall time `yyyy-MM-dd HH:mm[:ss]` (or with a `T`) in this zone; a wall
    /// time skipped by a clock change (spring forward) moves forward by the gap, one that occurs
    /// twice is its first occurrence. Nil unless `text` is such a time of a real date.
    private func wallTime(_ text: String) -> Date? {
        let halves = text.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "T" }
        guard halves.count == 2 else { return nil }
        let day = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        let time = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard day.count == 3, day[0].count == 4, day[1].count == 2, day[2].count == 2,
            (2...3).contains(time.count),
            time.allSatisfy({ $0.count == 2 }), let year = Int(day[0]), let month = Int(day[1]),
            let dayOfMonth = Int(day[2]), let hour = Int(time[0]), let minute = Int(time[1]),
            (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        let second = time.count == 3 ? Int(time[2]) : 0
        guard let second, (0...59).contains(second) else { return nil }
        var components = DateComponents(year: year, month: month, day: 1)
        guard let first = calendar.date(from: components),
            let days = calendar.range(of: .day, in: .month, for: first), days.contains(dayOfMonth)
        else { return nil }
        components.day = dayOfMonth
        components.hour = hour
        components.minute = minute
        components.second = second
        return calendar.date(from: components)
    }

    /// Local midnight starting the day `text` names (`2026-03-30`, `today`, `tomorrow`), or the
    /// instant when `text` names a time; a usage error naming `option` otherwise.
    func dayStart(_ text: String, option: String) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch trimmed {
        case "today": return calendar.startOfDay(for: Date())
        case "tomorrow": return addingDays(1, to: calendar.startOfDay(for: Date()))
        default: break
        }
        let reader = formatter("yyyy-MM-dd")
        reader.isLenient = false
        if trimmed.count == 10, let date = reader.date(from: trimmed) {
            return calendar.startOfDay(for: date)
        }
        do {
            return try instant(text, option: option)
        } catch {
            throw CLIError(
                .usage, "\(option) '\(text)': expected a date like 2026-03-30, today or tomorrow, or a time")
        }
    }

    /// `days` calendar days after `date` in this zone (the same wall time across clock changes).
    func addingDays(_ days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date.addingTimeInterval(Double(days) * 86_400)
    }
}
