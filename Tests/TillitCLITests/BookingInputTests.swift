import Foundation
import Testing
import TillitContracts

@testable import TillitCLI

/// How `tillit booking` reads what people type: weekly rules, money, durations, times.
@Suite(.timeLimit(.minutes(1))) struct BookingInputTests {
    @Test func weeklyRulesReadDayRangesAndPrintThemJoined() throws {
        let rules =
            try WeeklyRules.parse("mon-thu 09:00-17:00", option: "--rule")
            + WeeklyRules.parse("fri 09:00-12:00", option: "--rule")
        #expect(rules.map(\.weekday) == [.monday, .tuesday, .wednesday, .thursday, .friday])
        #expect(rules.first?.startMinute == 540 && rules.first?.endMinute == 1020)
        #expect(WeeklyRules.summary(rules) == "mon-thu 09:00-17:00, fri 09:00-12:00")
        #expect(try WeeklyRules.parse("sun 00:00-24:00", option: "--rule").first?.endMinute == 1440)
        for bad in [
            "mon 9-17", "fri-mon 09:00-17:00", "mon 17:00-09:00", "funday 09:00-10:00", "mon 24:30-25:00",
        ] {
            #expect(throws: CLIError.self, "\(bad)") { try WeeklyRules.parse(bad, option: "--rule") }
        }
    }

    @Test func moneyMinutesAndRestPeriods() throws {
        let price = try BookingInput.money("1100.5 SEK", option: "--price")
        #expect(price.minorUnits == 110_050 && price.currency == "SEK")
        #expect(BookingInput.text(price) == "1100.50 SEK")
        #expect(try BookingInput.money("0 eur", option: "--price").currency == "EUR")
        for bad in ["1100", "SEK 1100", "-5 SEK", "1.234 SEK"] {
            #expect(throws: CLIError.self, "\(bad)") { try BookingInput.money(bad, option: "--price") }
        }
        #expect(try BookingInput.minutes("90", option: "--notice") == 90)
        #expect(try BookingInput.minutes("24h", option: "--notice") == 1440)
        #expect(try BookingInput.minutes("2d", option: "--notice") == 2880)
        #expect(throws: CLIError.self) { try BookingInput.minutes("soon", option: "--notice") }
        #expect(try BookingInput.rest("6w", option: "--rest") == (6, .weeks))
        #expect(try BookingInput.rest("3 months", option: "--rest") == (3, .months))
        #expect(throws: CLIError.self) { try BookingInput.rest("a while", option: "--rest") }
    }

    @Test func localTimesAreReadInTheZoneAcrossClockChanges() throws {
        let stockholm = try LocalClock(identifier: "Europe/Stockholm", option: "--zone")
        let iso = ISO8601DateFormatter()
        #expect(
            try stockholm.instant("2026-03-30 10:00", option: "--start")
                == iso.date(from: "2026-03-30T08:00:00Z"))
        #expect(
            try stockholm.instant("2026-01-05T10:00", option: "--start")
                == iso.date(from: "2026-01-05T09:00:00Z"))
        #expect(
            try stockholm.instant("2026-03-30T10:00:00+03:00", option: "--start")
                == iso.date(from: "2026-03-30T07:00:00Z"))
        // 02:30 does not exist on 29 March 2026 in Stockholm: it moves forward by the gap.
        #expect(
            try stockholm.instant("2026-03-29 02:30", option: "--start")
                == iso.date(from: "2026-03-29T01:30:00Z"))
        #expect(
            try stockholm.dayStart("2026-10-25", option: "--from") == iso.date(from: "2026-10-24T22:00:00Z"))
        let day = try stockholm.dayStart("2026-03-29", option: "--from")
        #expect(stockholm.addingDays(1, to: day) == iso.date(from: "2026-03-29T22:00:00Z"), "a 23-hour day")
        #expect(stockholm.dateTime(iso.date(from: "2026-07-01T08:00:00Z")) == "2026-07-01 10:00 CEST")
        for bad in ["2026-02-30 10:00", "next tuesday", "2026-03-30 25:00"] {
            #expect(throws: CLIError.self, "\(bad)") { try stockholm.instant(bad, option: "--start") }
        }
        #expect(throws: CLIError.self) { try LocalClock(identifier: "Mars/Olympus", option: "--zone") }
    }
}
