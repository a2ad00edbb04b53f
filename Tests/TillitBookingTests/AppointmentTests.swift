import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Booking, cancelling, moving and marking appointments against a real Booking and Identity.
@Suite(.timeLimit(.minutes(5)))
struct AppointmentTests {
    @Test func aClientBooksAFreeSlotAndTheSameTimeIsThenRefused() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let slots = try await harness.slots(type, from: instant("2026-03-24T00:00:00Z"), days: 1)
            // Tuesday 09:00–17:00 Stockholm (UTC+1) with 50 + 10 minutes: 8 slots from 08:00Z.
            #expect(slots.count == 8)
            #expect(slots.first?.clientLocalStart == "2026-03-24T09:00:00+01:00")
            let booked = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: harness.options(.client)
            ).appointment
            #expect(booked.status == .booked)
            #expect(booked.clientID.value == harness.id(.client))
            #expect(booked.time.end.seconds - booked.time.start.seconds == 50 * 60)
            #expect(booked.bufferAfterMinutes == 10)
            let after = try await harness.slots(type, from: instant("2026-03-24T00:00:00Z"), days: 1)
            #expect(after.count == 7)
            #expect(!after.contains { $0.time.start.seconds == booked.time.start.seconds })
            await expectRPCError(.failedPrecondition, "the same slot again") {
                try await harness.booking.bookAppointment(
                    harness.request(
                        type, at: instant("2026-03-24T08:00:00Z"), client: harness.practice.otherClient),
                    options: harness.options(.scheduler))
            }
        }
    }

    @Test func adjacentAppointmentsAreAllowedAndTheBufferIsHeld() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let first = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")),
                options: harness.options(.scheduler))
            // 08:50 end + 10 buffer = 09:00: the next session may start exactly then.
            let second = try await harness.booking.bookAppointment(
                harness.request(
                    type, at: instant("2026-03-24T09:00:00Z"), client: harness.practice.otherClient),
                options: harness.options(.scheduler))
            #expect(first.appointment.id != second.appointment.id)
            // Staff outside availability: 10:55–11:45, buffer until 11:55; 11:54 falls in the buffer.
            var inBuffer = harness.request(type, at: instant("2026-03-24T10:55:00Z"))
            inBuffer.outsideAvailability = true
            _ = try await harness.booking.bookAppointment(inBuffer, options: harness.options(.scheduler))
            var overlapping = harness.request(
                type, at: instant("2026-03-24T11:54:00Z"), client: harness.practice.otherClient)
            overlapping.outsideAvailability = true
            let refusal = await expectRPCError(.failedPrecondition, "inside the buffer of 10:55") {
                try await harness.booking.bookAppointment(overlapping, options: harness.options(.scheduler))
            }
            #expect(refusal?.message.contains("buffer") == true, "\(String(describing: refusal))")
        }
    }

    @Test func aRetryWithTheSameKeyAnswersTheSameAppointmentAndAnotherBodyIsRefused() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let request = harness.request(type, at: instant("2026-03-24T08:00:00Z"), key: "retry-1")
            let first = try await harness.booking.bookAppointment(request, options: harness.options(.client))
            let again = try await harness.booking.bookAppointment(request, options: harness.options(.client))
            #expect(first.appointment == again.appointment)
            let other = harness.request(type, at: instant("2026-03-24T09:00:00Z"), key: "retry-1")
            await expectRPCError(.alreadyExists, "same key, other body") {
                try await harness.booking.bookAppointment(other, options: harness.options(.client))
            }
            let listed = try await harness.booking.listAppointments(
                .with {
                    $0.during = Tillit_Common_V1_TimeRange(
                        millis: Int64(
                            instant("2026-03-23T00:00:00Z").timeIntervalSince1970 * 1000)..<Int64(
                                instant("2026-03-30T00:00:00Z").timeIntervalSince1970 * 1000))
                }, options: harness.options(.client)
            ).appointments
            #expect(listed.count == 1)
        }
    }
}
