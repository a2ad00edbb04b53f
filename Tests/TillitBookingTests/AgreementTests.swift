import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Agreements after an intake: the client decides; while active the series keeps real
/// appointments 4 weeks ahead (10:00 local across a DST change), once per occurrence whatever
/// repeats; collisions are reported; one occurrence moves without touching the rest.
@Suite(.timeLimit(.minutes(5)))
struct AgreementTests {
    private func millis(_ text: String) -> Int64 { Int64(instant(text).timeIntervalSince1970 * 1000) }

    /// An attended intake on Monday 16 March, then an agreement proposed for weekly Tuesdays
    /// at 10:00 Stockholm from 16 March.
    private func proposed(_ harness: BookingHarness, count: UInt32 = 0) async throws
        -> (type: Tillit_Booking_V1_SessionType, agreement: Tillit_Booking_V1_Agreement)
    {
        let type = try await harness.sessionType()
        try await harness.weekdays()
        let propose = Tillit_Booking_V1_ProposeAgreementRequest.with {
            $0.agreement.clientID.value = harness.id(.client)
            $0.agreement.goal = "Sleep through the night again"
            $0.agreement.everyWeeks = 1
            $0.agreement.weekday = .tuesday
            $0.agreement.startMinute = 600
            $0.agreement.sessionTypeID = type.id
            $0.agreement.locationID = harness.location
            $0.agreement.startDate = .with {
                $0.year = 2026
                $0.month = 3
                $0.day = 16
            }
            $0.agreement.occurrenceCount = count
            $0.agreement.price.currency = "SEK"
            $0.agreement.price.minorUnits = 95_000
            $0.agreement.paymentTerms = "invoice monthly"
            $0.agreement.cancellationTerms = "24 hours"
        }
        await expectRPCError(.failedPrecondition, "no intake yet") {
            try await harness.booking.proposeAgreement(propose, options: harness.options(.practitioner))
        }
        harness.clock.set(instant("2026-03-13T08:00:00Z"))
        let intake = try await harness.booking.bookAppointment(
            harness.request(type, at: instant("2026-03-16T08:00:00Z")), options: harness.options(.client)
        ).appointment
        harness.clock.set(instant("2026-03-16T10:00:00Z"))
        _ = try await harness.booking.markAttended(
            .with {
                $0.appointmentID = intake.id
                $0.actual = Tillit_Common_V1_TimeRange(
                    millis: millis("2026-03-16T08:00:00Z")..<millis("2026-03-16T08:50:00Z"))
            }, options: harness.options(.practitioner))
        let agreement = try await harness.booking.proposeAgreement(
            propose, options: harness.options(.practitioner)
        )
        .agreement
        #expect(agreement.status == .proposed)
        #expect(agreement.startDate.day == 17)  // the first Tuesday on or after the 16th
        #expect(agreement.occurrences.isEmpty)
        return (type, agreement)
    }

    @Test func acceptingBooksFourWeeksAtTenLocalAcrossTheDSTChangeAndReportsACollision() async throws {
        try await withBooking(start: instant("2026-03-13T08:00:00Z")) { harness in
            let (type, agreement) = try await proposed(harness)
            // Someone else holds Tuesday 7 April 10:00.
            _ = try await harness.booking.bookAppointment(
                harness.request(
                    type, at: instant("2026-04-07T08:00:00Z"), client: harness.practice.otherClient),
                options: harness.options(.scheduler))
            await expectRPCError(.permissionDenied, "the practitioner accepting for the client") {
                try await harness.booking.acceptAgreement(
                    .with { $0.agreementID = agreement.id }, options: harness.options(.practitioner))
            }
            // The client sees the goal before deciding.
            let seen = try await harness.booking.getAgreement(
                .with { $0.agreementID = agreement.id }, options: harness.options(.client))
            #expect(seen.agreement.goal == "Sleep through the night again")
            let accepted = try await harness.booking.acceptAgreement(
                .with { $0.agreementID = agreement.id }, options: harness.options(.client)
            ).agreement
            #expect(accepted.status == .active)
            // Now is Monday 16 March 10:00 UTC; the horizon is 13 April 10:00 UTC: 17 and 24 March
            // (CET, 09:00Z), 31 March and 7 April (CEST, 08:00Z), and not 14 April.
            #expect(
                accepted.occurrences.map(\.start.seconds)
                    == [
                        "2026-03-17T09:00:00Z", "2026-03-24T09:00:00Z", "2026-03-31T08:00:00Z",
                        "2026-04-07T08:00:00Z",
                    ].map { Int64(instant($0).timeIntervalSince1970) })
            #expect(accepted.occurrences.map(\.status) == [.booked, .booked, .booked, .collision])
            #expect(accepted.occurrences[3].problem.contains("not free"), "\(accepted.occurrences[3])")
            let care = try await harness.booking.verifyCareRelationship(
                .with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.clientID.value = harness.id(.client)
                }, options: harness.options(.practitioner))
            #expect(care.basis.contains(.activeAgreement))
            await expectRPCError(.failedPrecondition, "accepted twice") {
                try await harness.booking.acceptAgreement(
                    .with { $0.agreementID = agreement.id }, options: harness.options(.client))
            }
        }
    }

    @Test func theSeriesTopsUpOncePerOccurrenceAndOneMovedOccurrenceTouchesNoOther() async throws {
        try await withBooking(start: instant("2026-03-13T08:00:00Z")) { harness in
            let (_, agreement) = try await proposed(harness, count: 6)
            let accepted = try await harness.booking.acceptAgreement(
                .with { $0.agreementID = agreement.id }, options: harness.options(.client)
            ).agreement
            #expect(accepted.occurrences.count == 4)
            // The client moves the 24 March occurrence to Wednesday 25 March 10:00 and cancels 31 March.
            let moved = try await harness.booking.rescheduleAppointment(
                .with {
                    $0.appointmentID = accepted.occurrences[1].appointmentID
                    $0.newStart = Tillit_Common_V1_Timestamp(millis: millis("2026-03-25T09:00:00Z"))
                }, options: harness.options(.client))
            _ = try await harness.booking.cancelAppointment(
                .with { $0.appointmentID = accepted.occurrences[2].appointmentID },
                options: harness.options(.client))
            // A week later the series service (every 200 ms here) adds 14 April, and only that.
            harness.clock.set(instant("2026-03-23T10:00:00Z"))
            let get = Tillit_Booking_V1_AgreementRequest.with { $0.agreementID = agreement.id }
            var current = accepted
            for _ in 0..<200 where current.occurrences.count < 5 {
                try await Task.sleep(for: .milliseconds(50))
                current = try await harness.booking.getAgreement(get, options: harness.options(.practitioner))
                    .agreement
            }
            #expect(current.occurrences.map(\.index) == [0, 1, 2, 3, 4])
            #expect(
                current.occurrences[4].start.seconds
                    == Int64(instant("2026-04-14T08:00:00Z").timeIntervalSince1970))
            // Repeated top-ups change nothing more; the moved and cancelled ones stay as they are.
            try await Task.sleep(for: .milliseconds(600))
            current = try await harness.booking.getAgreement(get, options: harness.options(.practitioner))
                .agreement
            #expect(current.occurrences.count == 5)
            let week = Tillit_Common_V1_TimeRange(
                millis: millis("2026-03-16T00:00:00Z")..<millis("2026-04-30T00:00:00Z"))
            let appointments = try await harness.booking.listAppointments(
                .with {
                    $0.during = week
                    $0.page.pageSize = 100
                }, options: harness.options(.client)
            ).appointments
            let booked = appointments.filter { $0.status == .booked }.map(\.time.start.seconds).sorted()
            #expect(
                booked
                    == [
                        "2026-03-17T09:00:00Z", "2026-03-25T09:00:00Z", "2026-04-07T08:00:00Z",
                        "2026-04-14T08:00:00Z",
                    ].map { Int64(instant($0).timeIntervalSince1970) })
            #expect(moved.appointment.status == .booked)
            // Six occurrences at most: 17 March … 21 April, never 28 April.
            harness.clock.set(instant("2026-04-20T10:00:00Z"))
            for _ in 0..<200 where current.occurrences.count < 6 {
                try await Task.sleep(for: .milliseconds(50))
                current = try await harness.booking.getAgreement(get, options: harness.options(.client))
                    .agreement
            }
            try await Task.sleep(for: .milliseconds(600))
            current = try await harness.booking.getAgreement(get, options: harness.options(.client)).agreement
            #expect(current.occurrences.map(\.index) == [0, 1, 2, 3, 4, 5])
        }
    }

    @Test func pausingCancelsTheFutureResumingBooksItAgainEndingStopsIt() async throws {
        try await withBooking(start: instant("2026-03-13T08:00:00Z")) { harness in
            let (_, agreement) = try await proposed(harness)
            let request = Tillit_Booking_V1_AgreementRequest.with { $0.agreementID = agreement.id }
            let accepted = try await harness.booking.acceptAgreement(
                request, options: harness.options(.client)
            ).agreement
            #expect(accepted.occurrences.count == 4)
            let paused = try await harness.booking.pauseAgreement(
                request, options: harness.options(.practitioner)
            ).agreement
            #expect(paused.status == .paused)
            #expect(paused.occurrences.isEmpty)
            let first = try await harness.booking.getAppointment(
                .with { $0.appointmentID = accepted.occurrences[0].appointmentID },
                options: harness.options(.client)
            ).appointment
            #expect(first.status == .cancelled)
            let resumed = try await harness.booking.resumeAgreement(
                request, options: harness.options(.client)
            ).agreement
            #expect(resumed.status == .active)
            #expect(resumed.occurrences.count == 4)
            #expect(
                Set(resumed.occurrences.map(\.appointmentID)).isDisjoint(
                    with: accepted.occurrences.map(\.appointmentID)))
            let ended = try await harness.booking.endAgreement(request, options: harness.options(.client))
                .agreement
            #expect(ended.status == .ended)
            #expect(ended.occurrences.isEmpty)
            await expectRPCError(.failedPrecondition, "resume an ended agreement") {
                try await harness.booking.resumeAgreement(request, options: harness.options(.client))
            }
            // Someone else's agreement is NOT_FOUND.
            await expectRPCError(.notFound, "another organisation") {
                try await harness.booking.getAgreement(request, options: harness.options(.otherAdmin))
            }
        }
    }
}
