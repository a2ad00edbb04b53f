import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Cancelling (late inside the window, to the second), moving atomically, attendance with
/// actual times and overrun statistics, no-shows, groups, care relationship, contact hours.
@Suite(.timeLimit(.minutes(5)))
struct AppointmentLifecycleTests {
    private func millis(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    @Test func aCancellationInsideTheWindowIsLateToTheSecond() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let start = instant("2026-03-26T08:00:00Z")  // Thursday 09:00 local
            let first = try await harness.booking.bookAppointment(
                harness.request(type, at: start), options: harness.options(.client)
            ).appointment
            let second = try await harness.booking.bookAppointment(
                harness.request(type, at: start.addingTimeInterval(3600)), options: harness.options(.client)
            ).appointment
            // The default window is 24 h. Exactly 24 h before: in time.
            harness.clock.set(start.addingTimeInterval(-86_400))
            let inTime = try await harness.booking.cancelAppointment(
                .with {
                    $0.appointmentID = first.id
                    $0.reason = "travel"
                }, options: harness.options(.client)
            ).appointment
            #expect(inTime.status == .cancelled)
            #expect(!inTime.late)
            #expect(inTime.cancelReason == "travel")
            // One second inside the window (24 h − 1 s before the second's start): late.
            harness.clock.set(start.addingTimeInterval(3600 - 86_400 + 1))
            let late = try await harness.booking.cancelAppointment(
                .with { $0.appointmentID = second.id }, options: harness.options(.client)
            ).appointment
            #expect(late.late)
            await expectRPCError(.failedPrecondition, "cancel twice") {
                try await harness.booking.cancelAppointment(
                    .with { $0.appointmentID = second.id }, options: harness.options(.client))
            }
            // The freed slots are offered again.
            let slots = try await harness.slots(type, from: start, days: 0.1)
            #expect(slots.contains { $0.time.start.seconds == Int64(start.timeIntervalSince1970) })
            let events = try await harness.booking.listAuditEvents(
                .with { $0.action = "appointment.cancel" }, options: harness.options(.admin)
            ).events
            #expect(events.map(\.detail).sorted() == ["in time", "late"])
        }
    }

    @Test func aRescheduleTakesTheNewTimeOrChangesNothing() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let mine = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: harness.options(.client)
            ).appointment
            let theirs = try await harness.booking.bookAppointment(
                harness.request(
                    type, at: instant("2026-03-24T10:00:00Z"), client: harness.practice.otherClient),
                options: harness.options(.scheduler)
            ).appointment
            func move(_ to: String) -> Tillit_Booking_V1_RescheduleAppointmentRequest {
                .with {
                    $0.appointmentID = mine.id
                    $0.newStart = Tillit_Common_V1_Timestamp(
                        millis: Int64(instant(to).timeIntervalSince1970 * 1000))
                }
            }
            await expectRPCError(.failedPrecondition, "onto another client's appointment") {
                try await harness.booking.rescheduleAppointment(
                    move("2026-03-24T10:00:00Z"), options: harness.options(.client))
            }
            let unchanged = try await harness.booking.getAppointment(
                .with { $0.appointmentID = mine.id }, options: harness.options(.client)
            ).appointment
            #expect(unchanged == mine)
            // Moving by one slot (its own time does not count as taken) works.
            let moved = try await harness.booking.rescheduleAppointment(
                move("2026-03-24T09:00:00Z"), options: harness.options(.client))
            #expect(moved.previous.status == .rescheduled)
            #expect(moved.previous.rescheduledTo == moved.appointment.id)
            #expect(moved.appointment.rescheduledFrom == mine.id)
            #expect(
                moved.appointment.time.start.seconds
                    == Int64(instant("2026-03-24T09:00:00Z").timeIntervalSince1970))
            // The other client cannot move it, and it is not even visible to them.
            _ = theirs
            await expectRPCError(.notFound, "someone else's appointment") {
                try await harness.booking.getAppointment(
                    .with { $0.appointmentID = moved.appointment.id },
                    options: bearer(try await otherClientToken(harness)))
            }
        }
    }

    @Test func attendanceRecordsActualTimesAndFeedsStatisticsContactHoursAndCare() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let start = instant("2026-03-24T08:00:00Z")
            let booked = try await harness.booking.bookAppointment(
                harness.request(type, at: start), options: harness.options(.client)
            ).appointment
            let care = {
                try await harness.booking.verifyCareRelationship(
                    .with {
                        $0.practitionerID.value = harness.id(.practitioner)
                        $0.clientID.value = harness.id(.client)
                    }, options: harness.options(.practitioner))
            }
            #expect(try await care().basis == [.futureAppointment])
            #expect(
                try await harness.booking.verifyCareRelationship(
                    .with {
                        $0.practitionerID.value = harness.id(.practitioner)
                        $0.clientID.value = harness.practice.otherClient
                    }, options: harness.options(.practitioner)
                ).active == false)
            await expectRPCError(.invalidArgument, "actual times in the future") {
                try await harness.booking.markAttended(
                    .with {
                        $0.appointmentID = booked.id
                        $0.actual = Tillit_Common_V1_TimeRange(
                            millis: millis(start)..<millis(start) + 3_000_000)
                    }, options: harness.options(.practitioner))
            }
            harness.clock.set(start.addingTimeInterval(3 * 3600))
            // Started 2 minutes late, ran 55 minutes: 7 minutes over the booked end.
            let actual = (millis(start) + 120_000)..<(millis(start) + 57 * 60_000)
            let attended = try await harness.booking.markAttended(
                .with {
                    $0.appointmentID = booked.id
                    $0.actual = Tillit_Common_V1_TimeRange(millis: actual)
                }, options: harness.options(.practitioner)
            ).appointment
            #expect(attended.status == .attended)
            #expect(attended.actual.start.seconds == actual.lowerBound / 1000)
            let week = Tillit_Common_V1_TimeRange(
                millis: millis(instant("2026-03-23T00:00:00Z"))..<millis(instant("2026-03-30T00:00:00Z")))
            let statistics = try await harness.booking.getOverrunStatistics(
                .with { $0.during = week }, options: harness.options(.practitioner))
            #expect(statistics.attended == 1)
            #expect(statistics.overran == 1)
            #expect(statistics.maxOverrunSeconds == 7 * 60)
            #expect(statistics.startedLate == 1)
            let hours = try await harness.booking.directContactHours(
                .with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.during = week
                }, options: harness.options(.supervisor))
            #expect(hours.attendedMinutes == 50)
            #expect(hours.actualMinutes == 55)
            #expect(hours.appointments == 1)
            #expect(try await care().basis == [.recentAttendance])
            // A year (the default period) later, the relationship has lapsed.
            harness.clock.set(start.addingTimeInterval(366 * 86_400))
            #expect(try await care().active == false)
        }
    }

    @Test func aGroupSessionTakesClientsUpToItsCapacity() async throws {
        try await withBooking { harness in
            let group = try await harness.sessionType(name: "Grupp", minutes: 90, buffer: 0, capacity: 2)
            try await harness.weekdays()
            let start = instant("2026-03-24T08:00:00Z")
            var slots = try await harness.slots(group, from: start, days: 0.01)
            #expect(slots.first?.remainingCapacity == 2)
            _ = try await harness.booking.bookAppointment(
                harness.request(group, at: start), options: harness.options(.client))
            slots = try await harness.slots(group, from: start, days: 0.01)
            #expect(slots.first?.remainingCapacity == 1)
            _ = try await harness.booking.bookAppointment(
                harness.request(group, at: start, client: harness.practice.otherClient),
                options: harness.options(.scheduler))
            slots = try await harness.slots(group, from: start, days: 0.01)
            #expect(slots.isEmpty)
            let third = try await harness.identity.identity.createClientAccount(
                .with {
                    $0.email = "third@example.com"
                    $0.displayName = "Third"
                }, options: harness.options(.admin)
            ).account.id.value
            var outside = harness.request(group, at: start, client: third)
            outside.outsideAvailability = true
            let refusal = await expectRPCError(.failedPrecondition, "a third place") {
                try await harness.booking.bookAppointment(outside, options: harness.options(.scheduler))
            }
            #expect(refusal?.message.contains("full") == true, "\(String(describing: refusal))")
        }
    }

    /// The other client of the practice, signed in.
    private func otherClientToken(_ harness: BookingHarness) async throws -> String {
        return try await harness.identity.signIn(
            organization: harness.practice.organization, email: "other.client@example.com"
        ).login.tokens.accessToken
    }
}
