import Foundation
import TillitContracts

/// An agreement as `tillit booking agreements` prints it: stable keys, words for enumerations,
/// UTC instants, dates as `2026-03-16`, the local start time as `10:00`.
struct AgreementView: Codable, Sendable {
    /// One occurrence of the series.
    struct Occurrence: Codable, Sendable {
        var index: UInt32
        var start: Date?
        /// `booked` or `collision`.
        var status: String
        var appointmentId: String?
        /// Why it collided.
        var problem: String?
    }

    var id: String
    var practitionerId: String
    var clientId: String
    var goal: String
    var everyWeeks: UInt32
    var weekday: String
    /// Local start in `timeZone`, `HH:MM`.
    var startTime: String
    var timeZone: String
    var sessionTypeId: String
    var locationId: String
    var startDate: String
    var endDate: String?
    /// 0: no limit.
    var occurrenceCount: UInt32
    var price: SessionTypeView.Price
    var paymentTerms: String
    var cancellationTerms: String
    var status: String
    var proposedAt: Date?
    var decidedAt: Date?
    var endedAt: Date?
    var occurrences: [Occurrence]

    /// The view of `agreement`.
    init(_ agreement: Tillit_Booking_V1_Agreement) {
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        id = agreement.id
        practitionerId = agreement.practitionerID.value
        clientId = agreement.clientID.value
        goal = agreement.goal
        everyWeeks = agreement.everyWeeks
        weekday = Names.word(agreement.weekday, in: Names.weekdays)
        startTime = WeeklyRules.clock(agreement.startMinute)
        timeZone = agreement.timeZone
        sessionTypeId = agreement.sessionTypeID
        locationId = agreement.locationID
        startDate = BookingInput.text(agreement.startDate)
        endDate = agreement.hasEndDate ? BookingInput.text(agreement.endDate) : nil
        occurrenceCount = agreement.occurrenceCount
        price = SessionTypeView.Price(
            currency: agreement.price.currency, minorUnits: agreement.price.minorUnits)
        paymentTerms = agreement.paymentTerms
        cancellationTerms = agreement.cancellationTerms
        status = Names.word(agreement.status, in: Names.agreementStatuses)
        proposedAt = agreement.hasProposedAt ? agreement.proposedAt.date : nil
        decidedAt = agreement.hasDecidedAt ? agreement.decidedAt.date : nil
        endedAt = agreement.hasEndedAt ? agreement.endedAt.date : nil
        occurrences = agreement.occurrences.sorted { $0.index < $1.index }.map {
            Occurrence(
                index: $0.index, start: $0.hasStart ? $0.start.date : nil,
                status: Names.word($0.status, in: Names.occurrenceStatuses),
                appointmentId: optional($0.appointmentID),
                problem: optional($0.problem))
        }
    }

    /// `every 2 weeks on tue at 10:00 Europe/Stockholm`.
    var cadence: String {
        let every = everyWeeks == 1 ? "weekly" : "every \(everyWeeks) weeks"
        return "\(every) on \(weekday) at \(startTime) \(timeZone)"
    }

    /// `from 2026-03-16`, with the end date or the count if any.
    var span: String {
        var text = "from \(startDate)"
        if let endDate { text += " until \(endDate)" }
        if occurrenceCount > 0 { text += ", \(occurrenceCount) occurrences" }
        return text
    }

    /// `950.00 SEK`.
    var priceText: String {
        BookingInput.text(
            .with {
                $0.currency = price.currency
                $0.minorUnits = price.minorUnits
            })
    }

    /// The header of `row(_:)`.
    static func header(_ context: BookingContext) -> [String] {
        ["ID", "STATUS", "CLIENT", "PRACTITIONER", "CADENCE", "SESSION TYPE", "PRICE", "GOAL"]
    }

    /// One table row of the list.
    func row(_ context: BookingContext) -> [String] {
        let firstLine = goal.split(separator: "\n").first.map(String.init) ?? ""
        return [
            id, status, context.account(clientId), context.account(practitionerId), cadence,
            context.sessionType(sessionTypeId), priceText,
            Display.cell(firstLine.count > 40 ? String(firstLine.prefix(39)) + "…" : firstLine),
        ]
    }

    /// The terms, the goal and a table of the occurrences (starts in `context`'s zone).
    func text(_ context: BookingContext) -> String {
        var pairs: [(String, String)] = [
            ("Agreement", id), ("Status", status), ("Client", context.account(clientId)),
            ("Practitioner", context.account(practitionerId)), ("Goal", goal), ("Cadence", cadence),
            ("Span", span), ("Session type", context.sessionType(sessionTypeId)),
            ("Location", context.location(locationId)), ("Price", priceText),
            ("Payment terms", Display.cell(paymentTerms)),
            ("Cancellation terms", Display.cell(cancellationTerms)),
            ("Proposed", context.clock.dateTime(proposedAt)),
        ]
        if let decidedAt { pairs.append(("Decided", context.clock.dateTime(decidedAt))) }
        if let endedAt { pairs.append(("Ended", context.clock.dateTime(endedAt))) }
        var text = Display.fields(pairs)
        if occurrences.isEmpty {
            text += "\n\nNo occurrences yet."
        } else {
            text +=
                "\n\n"
                + Terminal.table(
                    header: ["#", "START (\(context.clock.identifier))", "STATUS", "APPOINTMENT / PROBLEM"],
                    rows: occurrences.map {
                        [
                            String($0.index), $0.start.map(context.clock.dayAndTime) ?? "-", $0.status,
                            $0.appointmentId ?? Display.cell($0.problem ?? ""),
                        ]
                    })
        }
        return text
    }
}
