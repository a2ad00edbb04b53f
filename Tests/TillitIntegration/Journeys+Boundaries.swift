import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension Journeys {
    /// `hour`:00 in the practice's zone on the day `daysAgo` days before today.
    static func practiceTime(daysAgo: Int, hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: CarePractice.timeZone)!
        let day = calendar.date(byAdding: .day, value: -daysAgo, to: Date())!
        return calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day)!
    }

    /// Journey 6. Clients reach Gustav at night three times; each is logged straight from the
    /// contact window's answer; the third flags him for supervision and Dana sees the flag. A
    /// contact within the hours is not an incident. At night the contact window answers with the
    /// crisis lines.
    public static func boundaryIncidents(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Six \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, gustav, dana) = (practice.clients["ida"]!, practice.trainee, practice.supervisor)
        try await superviseGustav(stack, practice, approvedDaysAgo: 10)

        let night = practiceTime(daysAgo: 1, hour: 23)
        let window = try await stack.booking.checkContactWindow(
            .with {
                $0.practitionerID = gustav.accountID
                $0.at = .init(night)
            }, options: ida.options)
        try check(!window.within, "23:00 is outside the contact hours")
        try check(
            window.crisisLines.contains { $0.phone == "90101" }, "the crisis line: \(window.crisisLines)")
        try check(window.emergencyInstructions.contains("112"), "the emergency instructions")

        // A weekday 10:00 is within the hours: not an incident.
        let weekday = (1...7).map { practiceTime(daysAgo: $0, hour: 10) }.first {
            let day = Calendar(identifier: .gregorian).component(.weekday, from: $0)
            return (2...6).contains(day)
        }!
        try await refused([.failedPrecondition], "an out-of-hours contact within the hours") {
            try await stack.supervision.logOutOfHoursContact(
                .with {
                    $0.at = .init(weekday)
                    $0.text = "A message during office hours"
                }, options: gustav.options)
        }
        var flag: Tillit_Supervision_V1_Flag?
        for daysAgo in 1...3 {
            let answer = try await stack.supervision.logOutOfHoursContact(
                .with {
                    $0.at = .init(practiceTime(daysAgo: daysAgo, hour: 23))
                    $0.text = "A client messaged at night (\(daysAgo))"
                }, options: gustav.options)
            try check(
                answer.incident.category == Tillit_Supervision_V1_IncidentCategory.outOfHoursContact,
                "logged as out-of-hours contact")
            try check(answer.hasFlag == (daysAgo == 3), "flagged at the third, not before (\(daysAgo))")
            if answer.hasFlag { flag = answer.flag }
        }
        let flags = try await stack.supervision.listFlags(.init(), options: dana.options).flags
        try check(flags.map(\.id) == [flag?.id].compactMap { $0 }, "Dana sees the flag: \(flags)")
        try check(flags.first?.incidents == 3, "three incidents in the window")
        let counts = try await stack.supervision.incidentCounts(
            .with {
                $0.from = .init(today().adding(days: -30))
                $0.to = .init(today())
            }, options: practice.admin.options
        ).counts
        try check(
            counts.first { $0.category == .outOfHoursContact }?.incidents == 3,
            "the admin sees counts: \(counts)")
        try await refused([.permissionDenied, .notFound], "the admin reads incident texts") {
            try await stack.supervision.listIncidents(
                .with { $0.superviseeID = gustav.accountID }, options: practice.admin.options)
        }
    }

    /// Journey 7. After Ida's attended session with Björn nothing follows by itself: no check-in
    /// is due unless he marks one, and not before its rest period; no feedback exists until Ida
    /// gives some.
    public static func noChasing(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Seven \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, bjorn) = (practice.clients["ida"]!, practice.practitioner("bjorn"))
        let attended = try await attendedSession(
            stack, practice, bjorn, ida, hoursAgo: 2, key: "ida-bjorn-attended")
        try check(attended.status == .attended, "attended")
        let due = try await stack.booking.listDueCheckIns(.init(), options: bjorn.options).checkIns
        try check(due.isEmpty, "no check-in unless marked: \(due)")
        let appointments = try await stack.booking.listAppointments(
            .with { $0.clientID = ida.accountID }, options: ida.options
        ).appointments
        try check(appointments.isEmpty, "nothing booked for Ida by itself: \(appointments)")
        let mark = try await stack.booking.markCheckIn(
            .with {
                $0.clientID = ida.accountID
                $0.restAmount = 2
                $0.restUnit = .weeks
                $0.reason = "Ask how the sleep diary went, if she wants"
            }, options: bjorn.options
        ).checkIn
        _ = mark
        let stillNotDue = try await stack.booking.listDueCheckIns(.init(), options: bjorn.options).checkIns
        try check(stillNotDue.isEmpty, "not due before its rest period: \(stillNotDue)")
        let none = try await stack.booking.listFeedback(.init(), options: bjorn.options).feedback
        try check(none.isEmpty, "no feedback unless given: \(none)")
        _ = try await stack.booking.submitFeedback(
            .with {
                $0.practitionerID = bjorn.accountID
                $0.appointmentID = attended.id
                $0.rating = 5
                $0.text = "Helpful."
            }, options: ida.options)
        let given = try await stack.booking.listFeedback(.init(), options: bjorn.options).feedback
        try check(given.count == 1, "Ida's feedback, once she gives it: \(given)")
    }
}
