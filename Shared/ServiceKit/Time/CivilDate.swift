/// A calendar date without a zone, as days since 1970-01-01 (proleptic Gregorian), with the
/// conversions slot search needs on its hot path (no `Calendar` per slot).
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let day: Int64

    /// The date `day` days after 1970-01-01.
    public init(day: Int64) {
        self.day = day
    }

    /// The date `year`-`month`-`day`; nil unless it exists (months 1–12, days of that month).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let candidate = Self.days(year: Int64(year), month: Int64(month), day: Int64(day))
        let check = CivilDate(day: candidate)
        guard check.components == (year, month, day) else { return nil }
        self.day = candidate
    }

    /// Year, month (1–12) and day of month (Howard Hinnant's `civil_from_days`).
    public var components: (year: Int, month: Int, day: Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// The ISO weekday, 1 (Monday) to 7 (Sunday); 1970-01-01 was a Thursday.
    public var isoWeekday: Int {
        Int(((day % 7) + 7 + 3) % 7) + 1
    }

    /// The date `days` later.
    public func adding(days: Int64) -> CivilDate {
        CivilDate(day: day + days)
    }

    /// The same day of month `months` later, clamped to the month's last day (31 January + 1
    /// month = 28/29 February).
    public func adding(months: Int) -> CivilDate {
        let (year, month, dayOfMonth) = components
        let total = year * 12 + (month - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        var candidate = dayOfMonth
        while CivilDate(year: newYear, month: newMonth, day: candidate) == nil { candidate -= 1 }
        return CivilDate(year: newYear, month: newMonth, day: candidate)!
    }

    /// `yyyy-mm-dd`.
    public var description: String {
        let (y, m, d) = components
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    /// Orders by day.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        lhs.day < rhs.day
    }

    /// Howard Hinnant's `days_from_civil`.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
