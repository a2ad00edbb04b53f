import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Nothing books, nudges or asks by itself: intake requests come from clients, check-ins
/// appear only when marked and never before their rest period, feedback exists only when a
/// client gives it.
@Suite(.timeLimit(.minutes(5)))
struct ClientInitiativeTests {
    @Test func aPractitionerDeclinesAnIntakeWithAReferralAndItCannotBeDecidedTwice() async throws {
        try await withBooking { harness in
            let intake = try await harness.booking.requestIntake(
                .with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.message = "I would like to talk about work stress."
                }, options: harness.options(.client)
            ).intake
            #expect(intake.status == .open)
            let listed = try await harness.booking.listIntakeRequests(
                .init(), options: harness.options(.practitioner))
            #expect(listed.intakes.map(\.id) == [intake.id])
            let declined = try await harness.booking.declineIntake(
                .with {
                    $0.intakeID = intake.id
                    $0.reason = "My calendar is full until summer."
                    $0.referralSuggestion = "Ask for Anna at the Umeå clinic."
                }, options: harness.options(.practitioner)
            ).intake
            #expect(declined.status == .declined)
            #expect(declined.referralSuggestion == "Ask for Anna at the Umeå clinic.")
            await expectRPCError(.failedPrecondition, "decided twice") {
                try await harness.booking.acceptIntake(
                    .with { $0.intakeID = intake.id }, options: harness.options(.practitioner))
            }
            // The client sees the answer.
            let own = try await harness.booking.listIntakeRequests(.init(), options: harness.options(.client))
            #expect(own.intakes.first?.status == .declined)
            // Staff cannot request an intake for a client.
            await expectRPCError(.permissionDenied, "staff requesting") {
                try await harness.booking.requestIntake(.init(), options: harness.options(.scheduler))
            }
        }
    }

    @Test func aCheckInIsNeverListedBeforeItsRestPeriodAndOnlyWhenMarked() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let due = {
                try await harness.booking.listDueCheckIns(.init(), options: harness.options(.practitioner))
                    .checkIns
            }
            // No care relationship yet: cannot mark.
            await expectRPCError(.failedPrecondition, "no care relationship") {
                try await harness.booking.markCheckIn(
                    .with {
                        $0.clientID.value = harness.id(.client)
                        $0.restAmount = 3
                        $0.restUnit = .days
                    }, options: harness.options(.practitioner))
            }
            _ = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: harness.options(.client))
            // An appointment exists, nothing is marked: no one is due, ever.
            harness.clock.set(instant("2026-06-01T08:00:00Z"))
            #expect(try await due().isEmpty)
            harness.clock.set(instant("2026-03-23T06:00:00Z"))
            let mark = try await harness.booking.markCheckIn(
                .with {
                    $0.clientID.value = harness.id(.client)
                    $0.restAmount = 3
                    $0.restUnit = .days
                    $0.reason = "hard week"
                }, options: harness.options(.practitioner)
            ).checkIn
            #expect(mark.dueAt.seconds == Int64(instant("2026-03-26T06:00:00Z").timeIntervalSince1970))
            harness.clock.set(instant("2026-03-26T05:59:59Z"))
            #expect(try await due().isEmpty)
            harness.clock.set(instant("2026-03-26T06:00:00Z"))
            #expect(try await due().map(\.id) == [mark.id])
            let closed = try await harness.booking.closeCheckIn(
                .with {
                    $0.checkInID = mark.id
                    $0.status = .done
                }, options: harness.options(.practitioner)
            ).checkIn
            #expect(closed.status == .done)
            #expect(try await due().isEmpty)
            // Months are calendar months in the practice's zone: 31 January + 1 month = 28 February.
            harness.clock.set(instant("2026-01-31T09:00:00Z"))
            _ = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-02-03T08:00:00Z")), options: harness.options(.client))
            let monthly = try await harness.booking.markCheckIn(
                .with {
                    $0.clientID.value = harness.id(.client)
                    $0.restAmount = 1
                    $0.restUnit = .months
                }, options: harness.options(.practitioner)
            ).checkIn
            #expect(monthly.dueAt.seconds == Int64(instant("2026-02-28T09:00:00Z").timeIntervalSince1970))
            for (amount, unit) in [
                (0, Tillit_Booking_V1_RestUnit.days), (366, .days), (53, .weeks), (25, .months),
                (1, .unspecified),
            ] {
                await expectRPCError(.invalidArgument, "rest \(amount) \(unit)") {
                    try await harness.booking.markCheckIn(
                        .with {
                            $0.clientID.value = harness.id(.client)
                            $0.restAmount = UInt32(amount)
                            $0.restUnit = unit
                        }, options: harness.options(.practitioner))
                }
            }
        }
    }

    @Test func feedbackComesOnlyFromAClientWhoAttendedAndIsReadByThatPractitionerAndAdmins() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let start = instant("2026-03-24T08:00:00Z")
            let booked = try await harness.booking.bookAppointment(
                harness.request(type, at: start), options: harness.options(.client)
            ).appointment
            let submit = Tillit_Booking_V1_SubmitFeedbackRequest.with {
                $0.practitionerID.value = harness.id(.practitioner)
                $0.rating = 5
                $0.text = "Thank you."
            }
            await expectRPCError(.failedPrecondition, "before attending") {
                try await harness.booking.submitFeedback(submit, options: harness.options(.client))
            }
            harness.clock.set(start.addingTimeInterval(7200))
            _ = try await harness.booking.markAttended(
                .with {
                    $0.appointmentID = booked.id
                    $0.actual = Tillit_Common_V1_TimeRange(
                        millis: Int64(start.timeIntervalSince1970 * 1000)..<Int64(
                            start.timeIntervalSince1970 * 1000) + 3_000_000)
                }, options: harness.options(.practitioner))
            let feedback = try await harness.booking.submitFeedback(submit, options: harness.options(.client))
                .feedback
            #expect(feedback.rating == 5)
            for role in [Practice.Role.practitioner, .admin, .client] {
                let list = try await harness.booking.listFeedback(
                    .with {
                        if role != .practitioner { $0.practitionerID.value = harness.id(.practitioner) }
                    },
                    options: harness.options(role))
                #expect(list.feedback.map(\.id) == [feedback.id], "\(role)")
            }
            await expectRPCError(.permissionDenied, "staff submitting feedback") {
                try await harness.booking.submitFeedback(submit, options: harness.options(.practitioner))
            }
            await expectRPCError(.invalidArgument, "rating 6") {
                var bad = submit
                bad.rating = 6
                return try await harness.booking.submitFeedback(bad, options: harness.options(.client))
            }
        }
    }
}
