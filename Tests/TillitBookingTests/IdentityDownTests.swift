import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// A dependency that is down gives the caller UNAVAILABLE within its deadline, and nothing is
/// written.
@Suite(.timeLimit(.minutes(5)))
struct IdentityDownTests {
    @Test func withIdentityStoppedABookingIsUnavailableAndNothingIsWritten() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            // Warm: keys fetched, a booking works.
            _ = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: harness.options(.client))
            let before = try await harness.booking.listAuditEvents(.init(), options: harness.options(.admin))
                .events.count
            harness.identityLink.cut()
            let clock = ContinuousClock()
            let started = clock.now
            var options = harness.options(.client)
            options.timeout = .seconds(10)
            let refusal = await expectRPCError(.unavailable, "Identity down") {
                try await harness.booking.bookAppointment(
                    harness.request(type, at: instant("2026-03-24T09:00:00Z")), options: options)
            }
            #expect(
                refusal?.message.contains("nothing was changed") == true, "\(String(describing: refusal))")
            #expect(clock.now - started < .seconds(10))
            await expectRPCError(.unavailable, "contact window needs Identity's policy") {
                try await harness.booking.checkContactWindow(
                    .with { $0.practitionerID.value = harness.id(.practitioner) }, options: options)
            }
            // Nothing was written: still one appointment, no new audit event; reads still work.
            let week = Tillit_Common_V1_TimeRange(
                millis: Int64(
                    instant("2026-03-23T00:00:00Z").timeIntervalSince1970 * 1000)..<Int64(
                        instant("2026-03-30T00:00:00Z").timeIntervalSince1970 * 1000))
            let appointments = try await harness.booking.listAppointments(
                .with { $0.during = week }, options: harness.options(.client)
            ).appointments
            #expect(appointments.count == 1)
            let after = try await harness.booking.listAuditEvents(.init(), options: harness.options(.admin))
                .events.count
            #expect(after == before)
            // Slot search needs no Identity.
            #expect(try await harness.slots(type, from: instant("2026-03-24T00:00:00Z"), days: 1).count == 7)
        }
    }
}
