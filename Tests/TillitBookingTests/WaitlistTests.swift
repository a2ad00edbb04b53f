import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// A freed slot is offered to the earliest matching waitlist entry until the offer expires;
/// accepting books it; an expired offer passes to the next entry.
@Suite(.timeLimit(.minutes(5)))
struct WaitlistTests {
    private func signedIn(_ harness: BookingHarness, _ email: String) async throws -> CallOptions {
        var options = bearer(
            try await harness.identity.signIn(organization: harness.practice.organization, email: email).login
                .tokens
                .accessToken)
        options.timeout = .seconds(30)
        return options
    }

    @Test func aFreedSlotGoesToTheEarliestEntryThenOnExpiryToTheNext() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            _ = try await harness.identity.identity.createClientAccount(
                .with {
                    $0.email = "third@example.com"
                    $0.displayName = "Third"
                    $0.initialPassword = IdentityHarness.password
                }, options: harness.options(.admin))
            let second = try await signedIn(harness, "other.client@example.com")
            let third = try await signedIn(harness, "third@example.com")
            let start = instant("2026-03-24T08:00:00Z")
            let booked = try await harness.booking.bookAppointment(
                harness.request(type, at: start), options: harness.options(.client)
            ).appointment
            let join = Tillit_Booking_V1_JoinWaitlistRequest.with {
                $0.practitionerID.value = harness.id(.practitioner)
                $0.sessionTypeID = type.id
                $0.window = Tillit_Common_V1_TimeRange(
                    millis: Int64(
                        instant("2026-03-24T00:00:00Z").timeIntervalSince1970 * 1000)..<Int64(
                            instant("2026-03-25T00:00:00Z").timeIntervalSince1970 * 1000))
            }
            let first = try await harness.booking.joinWaitlist(join, options: second).entry
            let next = try await harness.booking.joinWaitlist(join, options: third).entry
            // Another window does not match.
            var elsewhere = join
            elsewhere.window.start.seconds += 2 * 86_400
            elsewhere.window.end.seconds += 2 * 86_400
            _ = try await harness.booking.joinWaitlist(elsewhere, options: third)
            _ = try await harness.booking.cancelAppointment(
                .with { $0.appointmentID = booked.id }, options: harness.options(.client))
            let listed = try await harness.booking.listWaitlist(.init(), options: second).entries
            #expect(listed.map(\.id) == [first.id])
            #expect(listed.first?.status == .offered)
            #expect(listed.first?.offeredStart.seconds == Int64(start.timeIntervalSince1970))
            let expires = try #require(listed.first?.offerExpiresAt.seconds)
            #expect(expires == Int64(instant("2026-03-23T08:00:00Z").timeIntervalSince1970))  // now + 2 h
            // Unanswered past its expiry, the offer passes to the next entry (housekeeping).
            harness.clock.set(instant("2026-03-23T08:00:01Z"))
            let passed = await eventually(timeout: .seconds(30)) {
                (try? await harness.booking.listWaitlist(.init(), options: third).entries.first {
                    $0.id == next.id
                }?.status)
                    == .offered
            }
            #expect(passed)
            await expectRPCError(.failedPrecondition, "accepting an expired offer") {
                try await harness.booking.acceptWaitlistOffer(
                    .with { $0.entryID = first.id }, options: second)
            }
            let accepted = try await harness.booking.acceptWaitlistOffer(
                .with { $0.entryID = next.id }, options: third)
            #expect(accepted.entry.status == .booked)
            #expect(accepted.appointment.time.start.seconds == Int64(start.timeIntervalSince1970))
            #expect(accepted.appointment.status == .booked)
            let expired = try await harness.booking.listWaitlist(.init(), options: second).entries
            #expect(expired.first?.status == .expired)
            await expectRPCError(.notFound, "another client's entry") {
                try await harness.booking.leaveWaitlist(.with { $0.entryID = next.id }, options: second)
            }
        }
    }
}
