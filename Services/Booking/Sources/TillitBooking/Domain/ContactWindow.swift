import TillitContracts
import TillitServiceKit

/// The practice's contact hours (Identity's contact policy) applied to an instant: inside or
/// not, which out-of-hours rule applies, and when the hours start next.
public struct ContactWindow: Sendable {
    /// The hours by ISO weekday, as `[start, end)` minutes after local midnight.
    public let hours: [Int: [Range<Int>]]
    /// The practice's zone the hours are in ("UTC" if Identity names none or an unknown one).
    public let timeZone: String
    private let nightRule: Tillit_Identity_V1_OutOfHoursRule
    private let weekendRule: Tillit_Identity_V1_OutOfHoursRule

    /// What applies at one instant.
    public struct Verdict: Sendable, Equatable {
        /// Inside the hours.
        public var within: Bool
        /// Outside: the night or weekend rule; `.unspecified` inside.
        public var rule: Tillit_Identity_V1_OutOfHoursRule
        /// The next start of hours after the instant, within a week.
        public var nextStart: Int64?
        /// The instant in the practice's zone (RFC 3339).
        public var localTime: String
    }

    /// The window of `policy`, whose hours are in `timeZone`.
    public init(policy: Tillit_Identity_V1_ContactPolicy, timeZone: String) {
        var hours: [Int: [Range<Int>]] = [:]
        for entry in policy.hours where entry.startMinute < entry.endMinute && entry.endMinute <= 1440 {
            hours[entry.weekday.rawValue, default: []].append(Int(entry.startMinute)..<Int(entry.endMinute))
        }
        for key in hours.keys { hours[key]?.sort { $0.lowerBound < $1.lowerBound } }
        self.hours = hours
        self.timeZone = ZoneClock(identifier: timeZone) == nil ? "UTC" : timeZone
        self.nightRule = policy.nightRule == .unspecified ? .noContact : policy.nightRule
        self.weekendRule = policy.weekendRule == .unspecified ? .noContact : policy.weekendRule
    }

    /// What applies at `millis`.
    public func check(at millis: Int64) -> Verdict {
        var clock = ZoneClock(identifier: timeZone)!
        let wall = clock.wallTime(atMillis: millis)
        let weekday = wall.date.isoWeekday
        let within = (hours[weekday] ?? []).contains { $0.contains(wall.minute) }
        var next: Int64?
        search: for offset in 0...7 {
            let date = wall.date.adding(days: Int64(offset))
            for range in hours[date.isoWeekday] ?? [] {
                let start = clock.instant(of: date, minute: range.lowerBound)
                if start > millis {
                    next = start
                    break search
                }
            }
        }
        return Verdict(
            within: within, rule: within ? .unspecified : (weekday >= 6 ? weekendRule : nightRule),
            nextStart: next,
            localTime: clock.rfc3339(millis: millis))
    }
}
