import TillitServiceKit

/// The practice's pattern rule: `threshold` incidents of one category within `windowDays` days
/// (the earliest and the latest at most `windowDays - 1` days apart) flag the supervisee.
public struct PatternRule: Sendable, Equatable {
    /// How many incidents.
    public var threshold: Int
    /// In how many days.
    public var windowDays: Int

    /// The default: three of one category in 30 days.
    public static let standard = PatternRule(threshold: 3, windowDays: 30)

    /// The most incidents (`days`, sorted, as days since the epoch) in one window of
    /// `windowDays` days that holds `day`.
    public func largestCount(in days: [Int64], around day: Int64) -> Int {
        let width = Int64(windowDays)
        var best = 0
        for start in days where start <= day && start > day - width {
            best = max(best, days.filter { $0 >= start && $0 < start + width }.count)
        }
        return best
    }
}
