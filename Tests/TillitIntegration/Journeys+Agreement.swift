import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension Journeys {
    /// Zones whose clocks change somewhere in the year; the agreement's zone is one with a change
    /// inside the series' first four weeks, when there is one.
    static let zonesWithDST = [
        "Europe/Stockholm", "America/New_York", "America/Santiago", "Australia/Sydney", "Pacific/Auckland",
        "America/Havana", "Asia/Jerusalem", "America/Asuncion", "Pacific/Chatham",
    ]

    /// A zone with a clock change between 3 and 24 days from `now`, if any.
    static func zoneChangingSoon(now: Date = Date()) -> (TimeZone, Date)? {
        for identifier in zonesWithDST {
            guard let zone = TimeZone(identifier: identifier),
                let change = zone.nextDaylightSavingTimeTransition(after: now.addingTimeInterval(3 * 86_400))
            else { continue }
            if change < now.addingTimeInterval(24 * 86_400) { return (zone, change) }
        }
        return nil
    }

    /// Journey 3. After an attended intake, Björn proposes a weekly agreement to Ida (goal,
    /// price, terms); she accepts and the series books its first four weeks at once, each at the
    /// agreed wall-clock time in the agreement's zone — across that zone's clock change when one
    /// falls inside those weeks (a zone is chosen so; in the weeks of the year when no zone
    /// changes, Booking's own tests cover DST on a test clock). One occurrence is moved; the
    /// housekeeping top-up, running every second, books nothing twice and keeps the moved one
    /// moved.
    public static func agreementSeries(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Three \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, bjorn) = (practice.clients["ida"]!, practice.practitioner("bjorn"))
        _ = try await attendedSession(stack, practice, bjorn, ida, hoursAgo: 3, key: "intake")

        let now = Date()
        let (zone, change) = zoneChangingSoon(now: now) ?? (TimeZone(identifier: CarePractice.timeZone)!, nil)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let first = calendar.startOfDay(for: now.addingTimeInterval(2 * 86_400))
        // 14:00 in Stockholm on the first day, as a wall-clock time of the agreement's zone (well
        // inside Björn's 08:00–20:00 availability on both sides of a change).
        var stockholm = Calendar(identifier: .gregorian)
        stockholm.timeZone = TimeZone(identifier: CarePractice.timeZone)!
        let anchor = stockholm.date(
            bySettingHour: 14, minute: 0, second: 0,
            of: stockholm.date(byAdding: .day, value: 2, to: now)!)!
        let wall = calendar.dateComponents([.hour, .minute, .weekday, .year, .month, .day], from: anchor)
        let startMinute = UInt32(wall.hour! * 60 + wall.minute!)
        let weekday = Tillit_Identity_V1_Weekday(rawValue: (wall.weekday! + 5) % 7 + 1) ?? .monday
        _ = first

        var agreement = Tillit_Booking_V1_Agreement()
        agreement.clientID = ida.accountID
        agreement.goal = "Sleep through the night again, and worry less at bedtime."
        agreement.everyWeeks = 1
        agreement.weekday = weekday
        agreement.startMinute = startMinute
        agreement.timeZone = zone.identifier
        agreement.sessionTypeID = practice.sessionType
        agreement.locationID = practice.locations["Stockholm"]!
        agreement.startDate = .init(CivilDate(year: wall.year!, month: wall.month!, day: wall.day!)!)
        agreement.occurrenceCount = 10
        agreement.price.currency = "SEK"
        agreement.price.minorUnits = 95_000
        agreement.paymentTerms = "Invoiced monthly."
        agreement.cancellationTerms = "Cancel at least 24 hours before."
        let proposed = try await stack.booking.proposeAgreement(
            .with { $0.agreement = agreement }, options: bjorn.options
        ).agreement
        try check(
            proposed.status == .proposed && proposed.occurrences.isEmpty, "proposed, nothing booked yet")
        let accepted = try await stack.booking.acceptAgreement(
            .with { $0.agreementID = proposed.id }, options: ida.options
        ).agreement
        try check(accepted.status == .active, "accepted: active")
        let booked = accepted.occurrences.filter { $0.status == .booked }
        try check(booked.count == 4, "four weeks booked at once: \(accepted.occurrences)")
        for occurrence in booked {
            let local = calendar.dateComponents([.hour, .minute], from: occurrence.start.date)
            try check(
                UInt32(local.hour! * 60 + local.minute!) == startMinute,
                "occurrence \(occurrence.index) at the agreed wall-clock time in \(zone.identifier): \(occurrence.start.date)"
            )
        }
        if let change {
            let offsets = Set(booked.map { zone.secondsFromGMT(for: $0.start.date) })
            try check(
                offsets.count == 2, "the series crosses \(zone.identifier)'s change at \(change): \(offsets)")
        }

        // One occurrence moved by an hour; the top-up keeps it moved and books nothing twice.
        let moved = booked[1]
        let rescheduled = try await stack.booking.rescheduleAppointment(
            .with {
                $0.appointmentID = moved.appointmentID
                $0.newStart = .init(moved.start.date.addingTimeInterval(3_600))
            }, options: ida.options
        ).appointment
        try await Task.sleep(for: .seconds(3))  // several housekeeping rounds (every second here)
        let later = try await stack.booking.getAgreement(
            .with { $0.agreementID = proposed.id }, options: ida.options
        )
        .agreement
        try check(
            later.occurrences.map(\.index) == accepted.occurrences.map(\.index), "no occurrence made twice")
        let appointments = try await stack.booking.listAppointments(
            .with {
                $0.clientID = ida.accountID
                $0.during = range(from: 0, to: 30 * 86_400)
                $0.status = .booked
            }, options: ida.options
        ).appointments
        try check(
            appointments.count == 4, "four booked appointments, the moved one included: \(appointments.count)"
        )
        try check(
            appointments.contains { $0.id == rescheduled.id && $0.time.start == rescheduled.time.start },
            "the moved occurrence stays moved")
        try check(
            !appointments.contains { $0.time.start == moved.start }, "nothing booked again at the old time")
    }
}
