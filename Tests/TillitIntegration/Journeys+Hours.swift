import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension Journeys {
    /// An appointment of `client` with `practitioner` that took place a few hours ago (booked by
    /// the scheduler outside availability, up to a day back) and was attended for 50 minutes.
    static func attendedSession(
        _ stack: IntegrationStack, _ practice: CarePractice, _ practitioner: Person, _ client: Person,
        hoursAgo: Double, key: String
    ) async throws -> Tillit_Booking_V1_Appointment {
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        let start = Date(timeIntervalSince1970: minute - hoursAgo * 3_600)
        var request = Tillit_Booking_V1_BookAppointmentRequest()
        request.idempotencyKey = key
        request.sessionTypeID = practice.sessionType
        request.practitionerID = practitioner.accountID
        request.locationID = practice.locations["Stockholm"]!
        request.start = .init(start)
        request.clientID = client.accountID
        request.outsideAvailability = true
        let booked = try await stack.booking.bookAppointment(request, options: practice.scheduler.options)
            .appointment
        return try await stack.booking.markAttended(
            .with {
                $0.appointmentID = booked.id
                $0.actual.start = .init(start)
                $0.actual.end = .init(start.addingTimeInterval(50 * 60))
            }, options: practitioner.options
        ).appointment
    }

    /// Journey 5. Gustav has an attended session with Ida (50 minutes of direct contact, from
    /// Booking) and logs two supervision sessions with Dana (90 minutes): the report shows both
    /// and the ratio; Dana verifies the period and its entries are locked; a correction is a new
    /// entry.
    public static func supervisionHours(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Five \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, gustav, dana) = (practice.clients["ida"]!, practice.trainee, practice.supervisor)
        try await superviseGustav(stack, practice, approvedDaysAgo: 10)
        _ = try await stack.supervision.setCategories(
            .with { $0.categories = ["individual", "group"] }, options: practice.admin.options)
        _ = try await attendedSession(stack, practice, gustav, ida, hoursAgo: 3, key: "gustav-ida-attended")
        let today = today()
        var entries: [String] = []
        for (daysAgo, minutes, category) in [(Int64(3), UInt32(60), "individual"), (2, 30, "group")] {
            let session = try await stack.supervision.logSession(
                .with {
                    $0.superviseeID = gustav.accountID
                    $0.kind = category == "group" ? .group : .individual
                    $0.date = .init(today.adding(days: -daysAgo))
                    $0.minutes = minutes
                    $0.category = category
                }, options: gustav.options
            ).session
            try check(session.supervisorID == dana.accountID, "the one supervisor is Dana")
            entries.append(session.id)
        }
        // The last ten days as one period, read by Dana.
        func tenDays() async throws -> Tillit_Supervision_V1_HoursReportResponse {
            try await stack.supervision.hoursReport(
                .with {
                    $0.superviseeID = gustav.accountID
                    $0.period = .custom
                    $0.from = .init(today.adding(days: -9))
                    $0.to = .init(today)
                }, options: dana.options)
        }
        let report = try await tenDays()
        try check(report.total.supervisionMinutes == 90, "90 supervision minutes: \(report.total)")
        try check(
            report.total.directContactMinutes == 50, "50 direct-contact minutes from Booking: \(report.total)"
        )
        try check(abs(report.total.ratio - 1.8) < 0.0001, "the ratio 90/50: \(report.total.ratio)")
        try check(report.timeZone == CarePractice.timeZone, "in the practice's zone")
        let weeks = try await stack.supervision.hoursReport(
            .with {
                $0.superviseeID = gustav.accountID
                $0.period = .week
                $0.from = .init(today.adding(days: -9))
                $0.to = .init(today)
            }, options: gustav.options)
        try check(
            weeks.periods.map(\.supervisionMinutes).reduce(0, +) == 90, "the weeks add up: \(weeks.periods)")

        let verified = try await stack.supervision.verifyPeriod(
            .with {
                $0.superviseeID = gustav.accountID
                $0.from = .init(today.adding(days: -9))
                $0.to = .init(today.adding(days: -1))
            }, options: dana.options)
        try check(verified.sessions == 2 && verified.minutes == 90, "two entries verified: \(verified)")
        try await refused([.permissionDenied, .notFound], "Gustav verifies his own hours") {
            try await stack.supervision.verifyPeriod(
                .with {
                    $0.superviseeID = gustav.accountID
                    $0.from = .init(today)
                    $0.to = .init(today)
                }, options: gustav.options)
        }
        // A correction of a locked entry is a new entry; the locked one stays as it was.
        let correction = try await stack.supervision.logSession(
            .with {
                $0.superviseeID = gustav.accountID
                $0.kind = .group
                $0.date = .init(today.adding(days: -2))
                $0.minutes = 45
                $0.category = "group"
                $0.corrects = entries[1]
            }, options: dana.options
        ).session
        try check(correction.corrects == entries[1], "the correction names the entry it corrects")
        let after = try await tenDays()
        try check(
            after.total.supervisionMinutes == 105, "the corrected total counts the new entry: \(after.total)")
    }
}
