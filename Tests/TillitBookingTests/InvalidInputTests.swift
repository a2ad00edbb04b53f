import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Bad input gets INVALID_ARGUMENT naming the field, nothing is stored, and the service goes on.
@Suite(.timeLimit(.minutes(5)))
struct InvalidInputTests {
    @Test func badSessionTypesAvailabilityExceptionsAndSearchesAreRefused() async throws {
        try await withBooking { harness in
            let good = Tillit_Booking_V1_SessionType.with {
                $0.name = "Samtal"
                $0.durationMinutes = 50
                $0.modality = .video
                $0.capacity = 1
                $0.price.currency = "SEK"
            }
            let badTypes: [(String, (inout Tillit_Booking_V1_SessionType) -> Void)] = [
                ("empty name", { $0.name = "" }),
                ("huge name", { $0.name = String(repeating: "x", count: 201) }),
                ("0 minutes", { $0.durationMinutes = 0 }),
                ("huge duration", { $0.durationMinutes = 100_000 }),
                ("huge buffer", { $0.bufferAfterMinutes = 241 }),
                ("capacity 0", { $0.capacity = 0 }),
                ("capacity 101", { $0.capacity = 101 }),
                ("no modality", { $0.modality = .unspecified }),
                ("unknown modality", { $0.modality = .UNRECOGNIZED(99) }),
                ("lower-case currency", { $0.price.currency = "sek" }),
                ("no currency", { $0.price.currency = "" }),
                ("negative price", { $0.price.minorUnits = -1 }),
            ]
            for (what, change) in badTypes {
                var type = good
                change(&type)
                await expectRPCError(.invalidArgument, what) {
                    try await harness.booking.createSessionType(
                        .with { $0.sessionType = type }, options: harness.options(.admin))
                }
            }
            #expect(
                try await harness.booking.listSessionTypes(.init(), options: harness.options(.admin))
                    .sessionTypes.isEmpty)
            let type = try await harness.booking.createSessionType(
                .with { $0.sessionType = good }, options: harness.options(.admin)
            ).sessionType
            await expectRPCError(.alreadyExists, "the same name again") {
                var same = good
                same.name = "SAMTAL"
                return try await harness.booking.createSessionType(
                    .with { $0.sessionType = same }, options: harness.options(.admin))
            }
            func availability(_ change: (inout Tillit_Booking_V1_Availability) -> Void)
                -> Tillit_Booking_V1_SetAvailabilityRequest
            {
                var value = Tillit_Booking_V1_Availability.with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.locationID = harness.location
                    $0.rules = [
                        .with {
                            $0.weekday = .monday
                            $0.startMinute = 540
                            $0.endMinute = 1020
                        }
                    ]
                }
                change(&value)
                return .with { $0.availability = value }
            }
            let badSets: [(String, (inout Tillit_Booking_V1_Availability) -> Void)] = [
                ("unknown zone", { $0.timeZone = "Europe/Atlantis" }),
                ("end before start", { $0.rules[0].endMinute = 500 }),
                ("end past midnight", { $0.rules[0].endMinute = 1441 }),
                ("no weekday", { $0.rules[0].weekday = .unspecified }),
                ("unknown weekday", { $0.rules[0].weekday = .UNRECOGNIZED(8) }),
                (
                    "overlapping rules",
                    {
                        $0.rules.append(
                            .with {
                                $0.weekday = .monday; $0.startMinute = 600; $0.endMinute = 700
                            })
                    }
                ),
                ("bad location id", { $0.locationID = "downtown" }),
                ("bad practitioner id", { $0.practitionerID.value = "x" }),
                ("bad step", { $0.slotStepMinutes = 3 }),
                ("bad session type id", { $0.sessionTypeIds = ["nope"] }),
            ]
            for (what, change) in badSets {
                await expectRPCError(.invalidArgument, what) {
                    try await harness.booking.setAvailability(
                        availability(change), options: harness.options(.scheduler))
                }
            }
            await expectRPCError(.notFound, "a location the practice does not have") {
                try await harness.booking.setAvailability(
                    availability { $0.locationID = UUID().uuidString.lowercased() },
                    options: harness.options(.scheduler))
            }
            #expect(
                try await harness.booking.listAvailability(.init(), options: harness.options(.scheduler))
                    .availability.isEmpty)
            let start = Int64(instant("2026-03-23T00:00:00Z").timeIntervalSince1970 * 1000)
            func search(_ change: (inout Tillit_Booking_V1_SearchSlotsRequest) -> Void)
                -> Tillit_Booking_V1_SearchSlotsRequest
            {
                var request = Tillit_Booking_V1_SearchSlotsRequest.with {
                    $0.sessionTypeID = type.id
                    $0.during = Tillit_Common_V1_TimeRange(millis: start..<(start + 7 * 86_400_000))
                }
                change(&request)
                return request
            }
            let badSearches: [(String, (inout Tillit_Booking_V1_SearchSlotsRequest) -> Void)] = [
                ("63 days", { $0.during.end = Tillit_Common_V1_Timestamp(millis: start + 63 * 86_400_000) }),
                ("end before start", { $0.during.end = Tillit_Common_V1_Timestamp(millis: start - 1) }),
                ("no range", { $0.clearDuring() }),
                ("year 10000", { $0.during.end.seconds = 253_402_300_800 + 86_400 }),
                ("before 1970", { $0.during.start.seconds = -86_400 }),
                ("bad nanos", { $0.during.start.nanos = 1_000_000_000 }),
                ("unknown client zone", { $0.clientTimeZone = "Mars/Base" }),
                ("bad language", { $0.language = "not a tag!" }),
                ("bad page token", { $0.page.pageToken = "forged" }),
                ("bad session type", { $0.sessionTypeID = "" }),
            ]
            for (what, change) in badSearches {
                await expectRPCError(.invalidArgument, what) {
                    try await harness.booking.searchSlots(search(change), options: harness.options(.client))
                }
            }
            await expectRPCError(.notFound, "an unknown session type") {
                try await harness.booking.searchSlots(
                    search { $0.sessionTypeID = UUID().uuidString.lowercased() },
                    options: harness.options(.client))
            }
            let badExceptions: [(String, (inout Tillit_Booking_V1_AvailabilityException) -> Void)] = [
                ("no kind", { $0.kind = .unspecified }),
                (
                    "367 days",
                    { $0.during.end = Tillit_Common_V1_Timestamp(millis: start + 367 * 86_400_000) }
                ),
                ("extra hours without a location", { $0.kind = .extraHours }),
            ]
            for (what, change) in badExceptions {
                var exception = Tillit_Booking_V1_AvailabilityException.with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.kind = .blocked
                    $0.during = Tillit_Common_V1_TimeRange(millis: start..<(start + 86_400_000))
                }
                change(&exception)
                await expectRPCError(.invalidArgument, what) {
                    try await harness.booking.addAvailabilityException(
                        .with { $0.exception = exception }, options: harness.options(.scheduler))
                }
            }
            // Bookings: keys, times, ids.
            try await harness.weekdays()
            let request = harness.request(type, at: instant("2026-03-24T08:00:00Z"))
            let badBookings: [(String, (inout Tillit_Booking_V1_BookAppointmentRequest) -> Void)] = [
                ("no key", { $0.idempotencyKey = "" }),
                ("key with a space", { $0.idempotencyKey = "a b" }),
                ("101-character key", { $0.idempotencyKey = String(repeating: "k", count: 101) }),
                ("no start", { $0.clearStart() }),
                ("start in year 10000", { $0.start.seconds = 253_402_300_800 }),
                ("client is the practitioner", { $0.clientID = $0.practitionerID }),
                ("bad location", { $0.locationID = "here" }),
            ]
            for (what, change) in badBookings {
                var bad = request
                change(&bad)
                await expectRPCError(.invalidArgument, what) {
                    try await harness.booking.bookAppointment(bad, options: harness.options(.scheduler))
                }
            }
            await expectRPCError(.failedPrecondition, "a time outside availability") {
                try await harness.booking.bookAppointment(
                    harness.request(type, at: instant("2026-03-24T08:10:00Z")),
                    options: harness.options(.client))
            }
            harness.clock.set(instant("2026-03-23T06:30:00Z"))  // 09:00 local is 90 minutes away
            await expectRPCError(.failedPrecondition, "sooner than the minimum notice") {
                try await harness.booking.bookAppointment(
                    harness.request(type, at: instant("2026-03-23T08:00:00Z")),
                    options: harness.options(.client))
            }
            await expectRPCError(.invalidArgument, "policy care period 0") {
                try await harness.booking.setBookingPolicy(
                    .with { $0.policy.careRelationshipDays = 0 }, options: harness.options(.admin))
            }
            // Still serving.
            let slots = try await harness.slots(type, from: instant("2026-03-24T00:00:00Z"), days: 1)
            #expect(slots.count == 9, "\(slots.map(\.clientLocalStart))")  // 50 minutes, no buffer
        }
    }
}
