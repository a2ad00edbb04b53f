import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The finer cells of docs/booking.md's matrix that the gate cannot decide: own appointments,
/// own calendar, own statistics, and other organisations (NOT_FOUND, exactly like an id that
/// does not exist).
@Suite(.timeLimit(.minutes(5)))
struct BookingAuthorizationTests {
    /// A second practitioner of the practice, signed in.
    private func colleague(_ harness: BookingHarness) async throws -> (id: String, options: CallOptions) {
        let id = try await harness.identity.identity.createStaffAccount(
            .with {
                $0.email = "colleague@stigen.se"
                $0.displayName = "Colleague"
                $0.roles = [.practitioner]
                $0.profile.licenceStatus = .licensed
                $0.profile.discipline = "psychologist"
                $0.initialPassword = IdentityHarness.password
            }, options: harness.options(.admin)
        ).account.id.value
        let token = try await harness.identity.signIn(
            organization: harness.practice.organization, email: "colleague@stigen.se"
        ).login.tokens.accessToken
        return (id, bearer(token))
    }

    private func otherClient(_ harness: BookingHarness) async throws -> CallOptions {
        bearer(
            try await harness.identity.signIn(
                organization: harness.practice.organization, email: "other.client@example.com"
            ).login.tokens.accessToken)
    }

    @Test func appointmentsAreTheirClientsAndTheirPractitionersAndStaffs() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            let (colleagueID, colleague) = try await colleague(harness)
            let other = try await otherClient(harness)
            let appointment = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: harness.options(.client)
            ).appointment
            let get = Tillit_Booking_V1_GetAppointmentRequest.with { $0.appointmentID = appointment.id }
            for role in [Practice.Role.client, .admin, .scheduler, .practitioner, .supervisor] {
                _ = try await harness.booking.getAppointment(get, options: harness.options(role))
            }
            _ = try await harness.booking.getAppointment(get, options: colleague)
            await expectRPCError(.notFound, "another client reads it") {
                try await harness.booking.getAppointment(get, options: other)
            }
            await expectRPCError(.notFound, "another organisation reads it") {
                try await harness.booking.getAppointment(get, options: harness.options(.otherAdmin))
            }
            let cancel = Tillit_Booking_V1_CancelAppointmentRequest.with { $0.appointmentID = appointment.id }
            await expectRPCError(.notFound, "another client cancels it") {
                try await harness.booking.cancelAppointment(cancel, options: other)
            }
            await expectRPCError(.notFound, "a colleague cancels another practitioner's appointment") {
                try await harness.booking.cancelAppointment(cancel, options: colleague)
            }
            await expectRPCError(.notFound, "another organisation cancels it") {
                try await harness.booking.cancelAppointment(cancel, options: harness.options(.otherAdmin))
            }
            harness.clock.set(instant("2026-03-24T10:00:00Z"))
            let noShow = Tillit_Booking_V1_MarkNoShowRequest.with { $0.appointmentID = appointment.id }
            await expectRPCError(.notFound, "a colleague marks another's appointment") {
                try await harness.booking.markNoShow(noShow, options: colleague)
            }
            _ = try await harness.booking.markNoShow(noShow, options: harness.options(.practitioner))
            // Lists: a client sees only its own; naming another client is refused.
            let everything = Tillit_Booking_V1_ListAppointmentsRequest.with {
                $0.during = Tillit_Common_V1_TimeRange(
                    millis: Int64(
                        instant("2026-03-20T00:00:00Z").timeIntervalSince1970 * 1000)..<Int64(
                            instant("2026-03-30T00:00:00Z").timeIntervalSince1970 * 1000))
            }
            #expect(
                try await harness.booking.listAppointments(everything, options: other).appointments.isEmpty)
            #expect(
                try await harness.booking.listAppointments(everything, options: harness.options(.client))
                    .appointments.count == 1)
            #expect(
                try await harness.booking.listAppointments(everything, options: harness.options(.otherAdmin))
                    .appointments
                    .isEmpty)
            await expectRPCError(.permissionDenied, "a client lists another client's") {
                var named = everything
                named.clientID.value = harness.id(.client)
                return try await harness.booking.listAppointments(named, options: other)
            }
            // Statistics and contact hours: one's own, or admin / supervisor.
            let week = everything.during
            await expectRPCError(.permissionDenied, "a colleague's statistics") {
                try await harness.booking.getOverrunStatistics(
                    .with {
                        $0.practitionerID.value = harness.id(.practitioner)
                        $0.during = week
                    }, options: colleague)
            }
            _ = try await harness.booking.getOverrunStatistics(
                .with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.during = week
                }, options: harness.options(.supervisor))
            await expectRPCError(.permissionDenied, "a colleague's contact hours") {
                try await harness.booking.directContactHours(
                    .with {
                        $0.practitionerID.value = harness.id(.practitioner)
                        $0.during = week
                    }, options: colleague)
            }
            _ = try await harness.booking.directContactHours(
                .with {
                    $0.practitionerID.value = colleagueID
                    $0.during = week
                }, options: colleague)
        }
    }

    @Test func calendarsAreTheirPractitionersAndTheSchedulersAndBookingsNameTheRightPeople() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            let (colleagueID, colleague) = try await colleague(harness)
            let rules = Tillit_Booking_V1_SetAvailabilityRequest.with {
                $0.availability.practitionerID.value = harness.id(.practitioner)
                $0.availability.locationID = harness.location
                $0.availability.rules = [
                    .with {
                        $0.weekday = .tuesday
                        $0.startMinute = 540
                        $0.endMinute = 1020
                    }
                ]
            }
            await expectRPCError(.permissionDenied, "a colleague sets another's calendar") {
                try await harness.booking.setAvailability(rules, options: colleague)
            }
            _ = try await harness.booking.setAvailability(rules, options: harness.options(.practitioner))
            var own = rules
            own.availability.practitionerID.value = colleagueID
            _ = try await harness.booking.setAvailability(own, options: colleague)
            // Another organisation: the practitioner is unknown there (Identity says NOT_FOUND).
            await expectRPCError(.notFound, "another organisation sets our practitioner's calendar") {
                try await harness.booking.setAvailability(rules, options: harness.options(.otherAdmin))
            }
            await expectRPCError(.notFound, "another organisation archives our session type") {
                try await harness.booking.archiveSessionType(
                    .with { $0.sessionTypeID = type.id }, options: harness.options(.otherAdmin))
            }
            #expect(
                try await harness.booking.listSessionTypes(.init(), options: harness.options(.otherAdmin))
                    .sessionTypes
                    .isEmpty)
            // A client books only for itself; a practitioner only their own calendar.
            await expectRPCError(.permissionDenied, "a client books for another client") {
                try await harness.booking.bookAppointment(
                    harness.request(
                        type, at: instant("2026-03-24T08:00:00Z"), client: harness.practice.otherClient),
                    options: harness.options(.client))
            }
            await expectRPCError(.permissionDenied, "a colleague books another's calendar") {
                try await harness.booking.bookAppointment(
                    harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: colleague)
            }
            await expectRPCError(.notFound, "booking a client of another organisation") {
                try await harness.booking.bookAppointment(
                    harness.request(
                        type, at: instant("2026-03-24T08:00:00Z"), client: harness.practice.foreignClient),
                    options: harness.options(.scheduler))
            }
            await expectRPCError(.permissionDenied, "a client books outside availability") {
                var outside = harness.request(type, at: instant("2026-03-24T05:00:00Z"))
                outside.outsideAvailability = true
                return try await harness.booking.bookAppointment(outside, options: harness.options(.client))
            }
            // A client's audit view holds only events about itself.
            _ = try await harness.booking.bookAppointment(
                harness.request(type, at: instant("2026-03-24T08:00:00Z")), options: harness.options(.client))
            _ = try await harness.booking.bookAppointment(
                harness.request(
                    type, at: instant("2026-03-24T09:00:00Z"), client: harness.practice.otherClient),
                options: harness.options(.scheduler))
            let events = try await harness.booking.listAuditEvents(.init(), options: harness.options(.client))
                .events
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0.client.value == harness.id(.client) })
        }
    }
}
