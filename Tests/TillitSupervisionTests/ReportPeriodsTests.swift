import Foundation
import Testing
import TillitServiceKit
import TillitSupervision
import TillitTesting

/// Report periods in the practice's zone: ISO weeks and calendar months clipped to the range,
/// and their instants across DST changes.
@Suite(.timeLimit(.minutes(1)))
struct ReportPeriodsTests {
    private func day(_ text: String) -> CivilDate {
        let parts = text.split(separator: "-").map { Int($0)! }
        return CivilDate(year: parts[0], month: parts[1], day: parts[2])!
    }

    private func millis(_ text: String) -> Int64 {
        Int64(instant(text).timeIntervalSince1970 * 1000)
    }

    @Test func weeksRunMondayToSundayAndMonthsAreCalendarMonthsClippedToTheRange() {
        let weeks = ReportPeriods.split(from: day("2026-03-25"), to: day("2026-04-08"), by: .week)
        #expect(
            weeks == [
                day("2026-03-25")...day("2026-03-29"), day("2026-03-30")...day("2026-04-05"),
                day("2026-04-06")...day("2026-04-08"),
            ])
        let months = ReportPeriods.split(from: day("2026-01-31"), to: day("2026-03-01"), by: .month)
        #expect(
            months == [
                day("2026-01-31")...day("2026-01-31"), day("2026-02-01")...day("2026-02-28"),
                day("2026-03-01")...day("2026-03-01"),
            ])
        let year = ReportPeriods.split(from: day("2026-01-01"), to: day("2026-12-31"), by: .month)
        #expect(year.count == 12)
        #expect(year.map { $0.upperBound.day - $0.lowerBound.day + 1 }.reduce(0, +) == 365)
        #expect(ReportPeriods.split(from: day("2026-02-01"), to: day("2026-02-10"), by: .custom).count == 1)
        #expect(ReportPeriods.split(from: day("2026-02-10"), to: day("2026-02-01"), by: .month).isEmpty)
        // A leap February.
        #expect(
            ReportPeriods.split(from: day("2028-02-01"), to: day("2028-02-29"), by: .month)
                == [day("2028-02-01")...day("2028-02-29")])
    }

    @Test func periodsAreMidnightToMidnightInThePracticesZoneAcrossDSTChanges() throws {
        let stockholm = try #require(ZoneClock(identifier: "Europe/Stockholm"))
        let months = ReportPeriods.split(from: day("2026-03-01"), to: day("2026-10-31"), by: .month)
        let ranges = ReportPeriods.instants(of: months, in: stockholm)
        // March: CET midnight to CEST midnight, one hour short of 31 days.
        #expect(ranges[0] == millis("2026-02-28T23:00:00Z")..<millis("2026-03-31T22:00:00Z"))
        #expect(ranges[0].count == 31 * 86_400_000 - 3_600_000)
        // October: summer time ends on the 25th; the month is one hour long of 31 days.
        #expect(ranges[7] == millis("2026-09-30T22:00:00Z")..<millis("2026-10-31T23:00:00Z"))
        // The ranges tile: each starts where the one before ended.
        for (before, after) in zip(ranges, ranges.dropFirst()) { #expect(before.upperBound == after.lowerBound) }
        // Another zone, another day: Sydney's March starts on 28 February at 13:00 UTC.
        let sydney = try #require(ZoneClock(identifier: "Australia/Sydney"))
        #expect(
            ReportPeriods.instants(of: [day("2026-03-01")...day("2026-03-31")], in: sydney)
                == [millis("2026-02-28T13:00:00Z")..<millis("2026-03-31T13:00:00Z")])
    }
}
