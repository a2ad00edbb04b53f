import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// CheckContactWindow applies Identity's contact policy (read with the caller's token):
/// inside the agreed hours or not, and outside them the emergency instructions and crisis lines.
@Suite(.timeLimit(.minutes(5)))
struct ContactWindowTests {
    @Test func atNightTheAnswerCarriesTheCrisisLinesAndByDayItIsWithin() async throws {
        try await withBooking { harness in
            _ = try await harness.identity.identity.setContactPolicy(
                .with {
                    $0.policy.hours = [1, 2, 3, 4, 5].map { day in
                        .with {
                            $0.weekday = Tillit_Identity_V1_Weekday(rawValue: day)!
                            $0.startMinute = 8 * 60
                            $0.endMinute = 17 * 60
                        }
                    }
                    $0.policy.nightRule = .emergencyOnly
                    $0.policy.weekendRule = .noContact
                    $0.policy.emergencyInstructions = "In an emergency call 112."
                    $0.policy.crisisLines = [
                        .with {
                            $0.name = "Mind Självmordslinjen"
                            $0.phone = "90101"
                            $0.hours = "around the clock"
                        }
                    ]
                }, options: harness.options(.admin))
            func check(_ at: String, as role: Practice.Role = .client) async throws
                -> Tillit_Booking_V1_CheckContactWindowResponse
            {
                try await harness.booking.checkContactWindow(
                    .with {
                        $0.practitionerID.value = harness.id(.practitioner)
                        $0.at = Tillit_Common_V1_Timestamp(
                            millis: Int64(instant(at).timeIntervalSince1970 * 1000))
                    }, options: harness.options(role))
            }
            // Tuesday 10:00 Stockholm (CET).
            let day = try await check("2026-03-24T09:00:00Z")
            #expect(day.within)
            #expect(day.crisisLines.isEmpty)
            #expect(day.localTime == "2026-03-24T10:00:00+01:00")
            // Tuesday 23:30 Stockholm: night.
            let night = try await check("2026-03-24T22:30:00Z", as: .practitioner)
            #expect(!night.within)
            #expect(night.rule == .emergencyOnly)
            #expect(night.emergencyInstructions == "In an emergency call 112.")
            #expect(night.crisisLines.map(\.phone) == ["90101"])
            #expect(
                night.nextWindowStart.seconds == Int64(instant("2026-03-25T07:00:00Z").timeIntervalSince1970))
            // Saturday noon: the weekend rule; the next window is Monday 08:00, after the change
            // to summer time (06:00 UTC).
            let weekend = try await check("2026-03-28T11:00:00Z")
            #expect(weekend.rule == .noContact)
            #expect(
                weekend.nextWindowStart.seconds
                    == Int64(instant("2026-03-30T06:00:00Z").timeIntervalSince1970))
            // Exactly at the end of the hours (17:00 local) is outside; at the start, inside.
            #expect(try await check("2026-03-24T16:00:00Z").within == false)
            #expect(try await check("2026-03-24T07:00:00Z").within)
            await expectRPCError(.notFound, "an unknown practitioner") {
                try await harness.booking.checkContactWindow(
                    .with { $0.practitionerID.value = UUID().uuidString.lowercased() },
                    options: harness.options(.client))
            }
        }
    }
}
