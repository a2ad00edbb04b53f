import Foundation
import Testing
import TillitBooking
import TillitServiceKit

/// Local wall times across DST changes in Europe/Stockholm and America/New_York: one defined
/// outcome for a wall time that does not exist (forward by the gap) and one that exists twice
/// (the first occurrence), and 10:00 is 10:00 on both sides.
@Suite(.timeLimit(.minutes(1)))
struct ZoneClockTests {
    private func utc(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
    }

    private func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    @Test func civilDatesRoundTripAndKnowTheirWeekday() {
        #expect(CivilDate(day: 0).description == "1970-01-01")
        #expect(CivilDate(day: 0).isoWeekday == 4)
        #expect(date(2026, 3, 29).isoWeekday == 7)
        #expect(date(2024, 2, 29).adding(days: 1).description == "2024-03-01")
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(date(2026, 1, 31).adding(months: 1).description == "2026-02-28")
        #expect(date(2024, 1, 31).adding(months: 1).description == "2024-02-29")
        #expect(date(2026, 11, 30).adding(months: 3).description == "2027-02-28")
        for day in stride(from: Int64(-800_000), to: 2_900_000, by: 9_973) {
            let (y, m, d) = CivilDate(day: day).components
            #expect(CivilDate(year: y, month: m, day: d)?.day == day)
        }
    }

    @Test(arguments: [
        // Stockholm: CET (+1) → CEST (+2) on 2026-03-29 at 02:00; back on 2026-10-25 at 03:00.
        ("Europe/Stockholm", 2026, 3, 28, 600, "2026-03-28T09:00:00Z"),
        ("Europe/Stockholm", 2026, 3, 30, 600, "2026-03-30T08:00:00Z"),
        ("Europe/Stockholm", 2026, 3, 29, 150, "2026-03-29T01:30:00Z"),  // 02:30 does not exist → 03:30 CEST
        ("Europe/Stockholm", 2026, 3, 29, 180, "2026-03-29T01:00:00Z"),  // 03:00 CEST
        ("Europe/Stockholm", 2026, 10, 25, 150, "2026-10-25T00:30:00Z"),  // 02:30 twice → first (CEST)
        ("Europe/Stockholm", 2026, 10, 25, 180, "2026-10-25T02:00:00Z"),
        ("Europe/Stockholm", 2026, 10, 26, 600, "2026-10-26T09:00:00Z"),
        // New York: EST (−5) → EDT (−4) on 2026-03-08 at 02:00; back on 2026-11-01 at 02:00.
        ("America/New_York", 2026, 3, 7, 600, "2026-03-07T15:00:00Z"),
        ("America/New_York", 2026, 3, 9, 600, "2026-03-09T14:00:00Z"),
        ("America/New_York", 2026, 3, 8, 150, "2026-03-08T07:30:00Z"),  // 02:30 → 03:30 EDT
        ("America/New_York", 2026, 11, 1, 90, "2026-11-01T05:30:00Z"),  // 01:30 twice → first (EDT)
        ("America/New_York", 2026, 11, 1, 150, "2026-11-01T07:30:00Z"),  // 02:30 EST
    ])
    func wallTimesResolveAsDocumented(
        _ zone: String, _ year: Int, _ month: Int, _ day: Int, _ minute: Int, _ expected: String
    ) throws {
        var clock = try #require(ZoneClock(identifier: zone))
        #expect(clock.instant(of: date(year, month, day), minute: minute) == utc(expected))
    }

    @Test func rfc3339ShowsTheOffsetOfTheInstant() throws {
        let clock = try #require(ZoneClock(identifier: "Europe/Stockholm"))
        #expect(clock.rfc3339(millis: utc("2026-03-29T00:30:00Z")) == "2026-03-29T01:30:00+01:00")
        #expect(clock.rfc3339(millis: utc("2026-03-29T01:30:00Z")) == "2026-03-29T03:30:00+02:00")
        #expect(clock.rfc3339(millis: utc("2026-10-25T00:30:00Z")) == "2026-10-25T02:30:00+02:00")
        #expect(clock.rfc3339(millis: utc("2026-10-25T01:30:00Z")) == "2026-10-25T02:30:00+01:00")
        let york = try #require(ZoneClock(identifier: "America/New_York"))
        #expect(york.rfc3339(millis: utc("2026-11-01T05:30:00Z")) == "2026-11-01T01:30:00-04:00")
        #expect(york.rfc3339(millis: utc("2026-11-01T06:30:00Z")) == "2026-11-01T01:30:00-05:00")
        #expect(ZoneClock(identifier: "Mars/Olympus_Mons") == nil)
    }
}
