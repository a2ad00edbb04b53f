import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Supervision hours: entries by category from the agreement's approval on, reports per week,
/// month or range in the practice's zone beside Booking's direct-contact hours, verification
/// locking a period in the database itself, and corrections as new entries.
@Suite(.timeLimit(.minutes(5)))
struct SupervisionHoursTests {
    typealias H = SupervisionHarness

    private func report(
        _ harness: H, _ period: Tillit_Supervision_V1_PeriodKind, from: Tillit_Common_V1_Date,
        to: Tillit_Common_V1_Date, as options: CallOptions? = nil
    ) async throws -> Tillit_Supervision_V1_HoursReportResponse {
        try await harness.supervision.hoursReport(
            .with {
                $0.superviseeID.value = harness.trainee.id
                $0.period = period
                $0.from = from
                $0.to = to
            }, options: options ?? harness.options(.supervisor))
    }

    @Test func totalsPerWeekAndMonthFallOnTheRightSideOfEachBoundaryBesideDirectContact() async throws {
        try await withSupervision { harness in
            let trainee = harness.asTrainee
            let supervisor = harness.options(.supervisor)
            try await harness.logSession(H.date(2026, 1, 31), minutes: 60, as: trainee)
            try await harness.logSession(H.date(2026, 2, 1), minutes: 30, category: H.categories[1], as: supervisor)
            try await harness.logSession(H.date(2026, 2, 28), minutes: 45, as: trainee)
            try await harness.logSession(H.date(2026, 3, 1), minutes: 50, as: trainee)
            // A direct-contact appointment of the trainee, attended (50 minutes booked).
            let appointment = try await harness.notes.book(harness.trainee.id, day: 3)
            harness.clock.set(instant("2026-03-26T12:00:00Z"))
            _ = try await harness.booking.booking.markAttended(
                .with {
                    $0.appointmentID = appointment.id
                    $0.actual = Tillit_Common_V1_TimeRange(
                        millis: appointment.time.start.millis..<(appointment.time.start.millis + 55 * 60_000))
                }, options: trainee)

            let months = try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31))
            #expect(months.timeZone == "Europe/Stockholm")
            #expect(months.periods.map(\.supervisionMinutes) == [60, 75, 50])
            #expect(months.periods.map(\.directContactMinutes) == [0, 0, 50])
            #expect(months.periods.map(\.ratio) == [0, 0, 1.0])
            #expect(months.periods[1].start == H.date(2026, 2, 1) && months.periods[1].end == H.date(2026, 2, 28))
            #expect(
                months.periods[1].byCategory.map { "\($0.category)=\($0.minutes)" }
                    == ["Group supervision=30", "Individual supervision=45"])
            #expect(months.total.supervisionMinutes == 185)
            #expect(months.total.directContactMinutes == 50)
            #expect(months.total.ratio == 185.0 / 50.0)

            // ISO weeks: Saturday 31 January and Sunday 1 February are one week.
            let weeks = try await report(harness, .week, from: H.date(2026, 1, 26), to: H.date(2026, 2, 8))
            #expect(weeks.periods.map(\.supervisionMinutes) == [90, 0])
            #expect(weeks.periods.map(\.start) == [H.date(2026, 1, 26), H.date(2026, 2, 2)])
            let custom = try await report(harness, .custom, from: H.date(2026, 2, 1), to: H.date(2026, 3, 1))
            #expect(custom.periods.count == 1)
            #expect(custom.periods[0].supervisionMinutes == 125)

            // Who may read it: the trainee themself and an admin too; not another supervisor.
            #expect(try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31), as: trainee) == months)
            #expect(
                try await report(
                    harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31), as: harness.options(.admin))
                    .total.supervisionMinutes == 185)
            await expectCode(.permissionDenied, "another supervisor's report") {
                try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31), as: harness.asOtherSupervisor)
            }
            await expectCode(.notFound, "another practice's admin naming the trainee") {
                try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31), as: harness.options(.otherAdmin))
            }
            await expectCode(.invalidArgument, "a range over 366 days") {
                try await report(harness, .month, from: H.date(2025, 1, 1), to: H.date(2026, 1, 2))
            }
            await expectCode(.invalidArgument, "no period kind") {
                try await report(harness, .unspecified, from: H.date(2026, 1, 1), to: H.date(2026, 1, 2))
            }
        }
    }

    @Test func entriesCountFromTheAgreementsApprovalAreNeverInTheFutureAndUseThePracticesCategories()
        async throws
    {
        try await withSupervision { harness in
            let trainee = harness.asTrainee
            await expectCode(.failedPrecondition, "before the agreement was approved (15 January)") {
                try await harness.logSession(H.date(2026, 1, 14), as: trainee)
            }
            try await harness.logSession(H.date(2026, 1, 15), as: trainee)
            // Booking's clock says Monday 23 March 07:00 in Stockholm.
            try await harness.logSession(H.date(2026, 3, 23), as: trainee)
            await expectCode(.invalidArgument, "tomorrow") { try await harness.logSession(H.date(2026, 3, 24), as: trainee) }
            await expectCode(.invalidArgument, "a category the practice does not have") {
                try await harness.logSession(H.date(2026, 2, 2), category: "Yoga", as: trainee)
            }
            for minutes: UInt32 in [0, 601] {
                await expectCode(.invalidArgument, "\(minutes) minutes") {
                    try await harness.logSession(H.date(2026, 2, 2), minutes: minutes, as: trainee)
                }
            }
            await expectCode(.invalidArgument, "30 February") { try await harness.logSession(H.date(2026, 2, 30), as: trainee) }
            // Only the supervisee and their supervisor log; the colleague has no relationship.
            await expectCode(.permissionDenied, "another supervisor logging for the trainee") {
                try await harness.logSession(H.date(2026, 2, 2), as: harness.asOtherSupervisor)
            }
            await expectCode(.permissionDenied, "a colleague logging for the trainee") {
                try await harness.logSession(H.date(2026, 2, 2), as: harness.options(token: harness.colleague.token))
            }
            await expectCode(.invalidArgument, "the colleague has no supervisor") {
                try await harness.logSession(
                    H.date(2026, 2, 2), supervisee: harness.colleague.id, as: harness.options(token: harness.colleague.token))
            }
            #expect(try harness.rows("sessions") == 2)
        }
    }

    @Test func aVerifiedPeriodIsLockedInTheDatabaseAndCorrectedOnlyByNewEntries() async throws {
        try await withSupervision { harness in
            let trainee = harness.asTrainee
            let supervisor = harness.options(.supervisor)
            let january = try await harness.logSession(H.date(2026, 1, 31), minutes: 60, as: trainee)
            try await harness.logSession(H.date(2026, 2, 10), minutes: 40, as: trainee)
            let verify = Tillit_Supervision_V1_VerifyPeriodRequest.with {
                $0.superviseeID.value = harness.trainee.id
                $0.from = H.date(2026, 1, 1)
                $0.to = H.date(2026, 2, 28)
            }
            await expectCode(.permissionDenied, "another supervisor verifying") {
                try await harness.supervision.verifyPeriod(verify, options: harness.asOtherSupervisor)
            }
            await expectCode(.permissionDenied, "the trainee verifying their own hours") {
                try await harness.supervision.verifyPeriod(verify, options: trainee)
            }
            let verified = try await harness.supervision.verifyPeriod(verify, options: supervisor)
            #expect(verified.sessions == 2 && verified.minutes == 100)
            // The database refuses every change, whoever holds the file.
            for sql in [
                "UPDATE sessions SET minutes = 1", "DELETE FROM sessions", "UPDATE sessions SET verified_period_id = NULL",
                "UPDATE verified_periods SET to_day = to_day + 1", "DELETE FROM verified_periods",
            ] {
                #expect(throws: (any Error).self, "\(sql)") { try harness.execute(sql) }
            }
            #expect(try harness.count("SELECT sum(minutes) FROM sessions") == 100)
            await expectCode(.failedPrecondition, "a new entry in the verified period") {
                try await harness.logSession(H.date(2026, 2, 11), as: trainee)
            }
            await expectCode(.failedPrecondition, "an overlapping verification") {
                try await harness.supervision.verifyPeriod(
                    .with {
                        $0.superviseeID.value = harness.trainee.id
                        $0.from = H.date(2026, 2, 20)
                        $0.to = H.date(2026, 3, 5)
                    }, options: supervisor)
            }
            // A correction replaces the entry in the totals; the entry itself stays.
            let correction = try await harness.logSession(
                H.date(2026, 1, 31), minutes: 90, corrects: january.id, as: supervisor)
            #expect(correction.corrects == january.id)
            await expectCode(.failedPrecondition, "a second correction of the same entry") {
                try await harness.logSession(H.date(2026, 1, 31), minutes: 30, corrects: january.id, as: trainee)
            }
            // A correction to 0 minutes withdraws an entry.
            let february = try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31))
            #expect(february.periods.map(\.supervisionMinutes) == [90, 40, 0])
            #expect(february.periods.map(\.verified) == [true, true, false])
            let withdrawn = try await harness.logSession(
                H.date(2026, 1, 31), minutes: 0, corrects: correction.id, as: supervisor)
            #expect(withdrawn.minutes == 0)
            let after = try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 2, 28))
            #expect(after.periods.map(\.supervisionMinutes) == [0, 40])
            #expect(after.total.verified)
            #expect(try harness.rows("sessions") == 4)
        }
    }

    @Test func withBookingDownTheReportIsUnavailableAndNothingIsRecorded() async throws {
        try await withSupervision { harness in
            try await harness.logSession(H.date(2026, 2, 2), as: harness.asTrainee)
            let audit = try harness.rows("audit_events")
            harness.bookingLink.cut()
            await expectCode(.unavailable, "the report with Booking down") {
                try await report(harness, .month, from: H.date(2026, 1, 1), to: H.date(2026, 3, 31))
            }
            #expect(try harness.rows("audit_events") == audit)
            harness.bookingLink.restore()
        }
    }
}
