import Foundation

/// Local wall time ↔ instants in one IANA time zone, with the DST rules docs/booking.md
/// documents ("Local times and DST"; Booking resolves availability with it, Supervision its
/// report periods):
///
/// - A wall time that exists once is that instant.
/// - A wall time in a spring-forward gap (02:30 on the night clocks go 02:00 → 03:00) does not
///   exist; it resolves to the instant the same wall time would have with the offset before the
///   gap, i.e. it moves forward by the gap's length (02:30 → 03:30), as java.time and RFC 5545 do.
/// - A wall time in a fall-back overlap (02:30 happens twice) resolves to its first occurrence
///   (the earlier instant, still on summer time).
///
/// Offsets are looked up per day and cached, so a search resolves thousands of wall times with a
/// few dozen zone lookups.
public struct ZoneClock: Sendable {
    /// The zone.
    public let zone: TimeZone
    private var offsets: [Int64: (start: Int64, end: Int64)] = [:]

    /// A clock for `zone`.
    public init(zone: TimeZone) {
        self.zone = zone
    }

    /// A clock for the zone named `identifier`; nil if unknown.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(zone: zone)
    }

    /// The zone's offset from UTC at `millis`, in seconds.
    public func offsetSeconds(atMillis millis: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// The instant (milliseconds since the epoch) of wall time `minute` minutes after local
    /// midnight of `date` (`minute` may be 1440: the next midnight), resolved as described above.
    public mutating func instant(of date: CivilDate, minute: Int) -> Int64 {
        let local = (date.day * 1440 + Int64(minute)) * 60_000
        // Offsets near this wall time: a day before and after, so any transition that could
        // make the wall time ambiguous or missing lies between them.
        let around = offsetsAround(day: date.day)
        if around.start == around.end {
            return local - around.start
        }
        let before = local - around.start
        let after = local - around.end
        let beforeValid = Int64(offsetSeconds(atMillis: before)) * 1000 == around.start
        let afterValid = Int64(offsetSeconds(atMillis: after)) * 1000 == around.end
        switch (beforeValid, afterValid) {
        case (true, true): return min(before, after)  // occurs twice: the first occurrence
        case (true, false): return before
        case (false, true): return after
        case (false, false): return before  // in the gap: forward by the gap's length
        }
    }

    /// The local date and minute after midnight of `millis`.
    public func wallTime(atMillis millis: Int64) -> (date: CivilDate, minute: Int) {
        let local = millis + Int64(offsetSeconds(atMillis: millis)) * 1000
        let minutes = local >= 0 ? local / 60_000 : (local - 59_999) / 60_000
        let day = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440
        return (CivilDate(day: day), Int(minutes - day * 1440))
    }

    /// The local date of `millis`.
    public func date(atMillis millis: Int64) -> CivilDate {
        wallTime(atMillis: millis).date
    }

    /// `millis` as RFC 3339 in this zone with its offset, e.g. `2026-03-30T10:00:00+02:00`.
    public func rfc3339(millis: Int64) -> String {
        let offset = offsetSeconds(atMillis: millis)
        let (date, minute) = wallTime(atMillis: millis)
        let seconds = Int(((millis % 60_000) + 60_000) % 60_000 / 1000)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offset < 0 ? "-" : "+"
        let absolute = abs(offset)
        return "\(date)T\(two(minute / 60)):\(two(minute % 60)):\(two(seconds))"
            + "\(sign)\(two(absolute / 3600)):\(two(absolute % 3600 / 60))"
    }

    private mutating func offsetsAround(day: Int64) -> (start: Int64, end: Int64) {
        if let cached = offsets[day] { return cached }
        let midnight = day * 86_400_000
        let value = (
            start: Int64(offsetSeconds(atMillis: midnight - 86_400_000)) * 1000,
            end: Int64(offsetSeconds(atMillis: midnight + 2 * 86_400_000)) * 1000
        )
        offsets[day] = value
        return value
    }
}
