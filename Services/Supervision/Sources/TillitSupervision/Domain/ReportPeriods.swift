import TillitServiceKit

/// The periods of an hours report over `[from, to]` (inclusive): ISO weeks, calendar months, or
/// the range as one; the first and last clipped to the range.
public enum ReportPeriods {
    /// A period's kind.
    public enum Kind: Sendable {
        /// Monday to Sunday.
        case week
        /// A calendar month.
        case month
        /// The whole range.
        case custom
    }

    /// The periods, in order.
    public static func split(from: CivilDate, to: CivilDate, by kind: Kind) -> [ClosedRange<CivilDate>] {
        guard from <= to else { return [] }
        var periods: [ClosedRange<CivilDate>] = []
        var start = from
        while start <= to {
            let next: CivilDate
            switch kind {
            case .custom:
                next = to.adding(days: 1)
            case .week:
                next = start.adding(days: Int64(8 - start.isoWeekday))
            case .month:
                let (year, month, _) = start.components
                next = CivilDate(year: year, month: month, day: 1)!.adding(months: 1)
            }
            let end = min(next.adding(days: -1), to)
            periods.append(start...end)
            start = end.adding(days: 1)
        }
        return periods
    }

    /// The instants `[first midnight, the midnight after the last day)` of each period in the
    /// practice's zone (milliseconds): a month across a DST change is an hour shorter or longer.
    public static func instants(of periods: [ClosedRange<CivilDate>], in clock: ZoneClock) -> [Range<Int64>] {
        var clock = clock
        return periods.map {
            clock.instant(of: $0.lowerBound, minute: 0)..<clock.instant(of: $0.upperBound.adding(days: 1), minute: 0)
        }
    }
}
