import Foundation
import TillitContracts

/// An appointment as `tillit booking` prints it: stable keys, words for enumerations, UTC dates.
struct AppointmentView: Codable, Sendable {
    var id: String
    var practitionerId: String
    var clientId: String
    var sessionTypeId: String
    var locationId: String
    var start: Date
    var end: Date
    var bufferAfterMinutes: UInt32
    var status: String
    /// Cancelled inside the practice's cancellation window.
    var late: Bool
    var bookedBy: String
    var bookedAt: Date?
    var cancelledAt: Date?
    var cancelledBy: String?
    var cancelReason: String?
    var rescheduledFrom: String?
    var rescheduledTo: String?
    var actualStart: Date?
    var actualEnd: Date?
    var markedAt: Date?
    var markedBy: String?
    var capacity: UInt32
    var price: SessionTypeView.Price
    var modality: String

    /// The view of `appointment`.
    init(_ appointment: Tillit_Booking_V1_Appointment) {
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        id = appointment.id
        practitionerId = appointment.practitionerID.value
        clientId = appointment.clientID.value
        sessionTypeId = appointment.sessionTypeID
        locationId = appointment.locationID
        start = appointment.time.start.date
        end = appointment.time.end.date
        bufferAfterMinutes = appointment.bufferAfterMinutes
        status = Names.word(appointment.status, in: Names.appointmentStatuses)
        late = appointment.late
        bookedBy = appointment.bookedBy.value
        bookedAt = appointment.hasBookedAt ? appointment.bookedAt.date : nil
        cancelledAt = appointment.hasCancelledAt ? appointment.cancelledAt.date : nil
        cancelledBy = appointment.hasCancelledBy ? optional(appointment.cancelledBy.value) : nil
        cancelReason = optional(appointment.cancelReason)
        rescheduledFrom = optional(appointment.rescheduledFrom)
        rescheduledTo = optional(appointment.rescheduledTo)
        actualStart = appointment.hasActual ? appointment.actual.start.date : nil
        actualEnd = appointment.hasActual ? appointment.actual.end.date : nil
        markedAt = appointment.hasMarkedAt ? appointment.markedAt.date : nil
        markedBy = appointment.hasMarkedBy ? optional(appointment.markedBy.value) : nil
        capacity = appointment.capacity
        price = SessionTypeView.Price(
            currency: appointment.price.currency, minorUnits: appointment.price.minorUnits)
        modality = Names.word(appointment.modality, in: Names.modalities)
    }

    /// The status for people: `cancelled (late)` when late.
    var statusText: String {
        status == "cancelled" && late ? "cancelled (late)" : status
    }

    /// `Mon 2026-03-30 10:00–10:50 CEST` in `context`'s zone.
    func when(_ context: BookingContext) -> String {
        "\(context.clock.dayAndTime(start))–\(context.clock.time(end)) \(context.clock.abbreviation(at: start))"
    }

    /// The header of `row(_:)`, naming the zone.
    static func header(_ context: BookingContext) -> [String] {
        [
            "START (\(context.clock.identifier))", "END", "STATUS", "CLIENT", "PRACTITIONER", "SESSION TYPE",
            "LOCATION", "ID",
        ]
    }

    /// One table row, in `context`'s zone and with its names.
    func row(_ context: BookingContext) -> [String] {
        [
            context.clock.dayAndTime(start), context.clock.time(end), statusText, context.account(clientId),
            context.account(practitionerId), context.sessionType(sessionTypeId), context.location(locationId),
            id,
        ]
    }

    /// Label/value lines for people.
    func text(_ context: BookingContext) -> String {
        var pairs: [(String, String)] = [
            ("Appointment", id), ("When", when(context)), ("Status", statusText),
            ("Client", context.account(clientId)), ("Practitioner", context.account(practitionerId)),
            ("Session type", "\(context.sessionType(sessionTypeId)) (\(modality))"),
            ("Location", context.location(locationId)),
            (
                "Price",
                BookingInput.text(
                    .with {
                        $0.currency = price.currency
                        $0.minorUnits = price.minorUnits
                    })
            ),
            ("Booked", "\(context.clock.dateTime(bookedAt)) by \(context.account(bookedBy))"),
        ]
        if let cancelledAt {
            pairs.append(
                ("Cancelled", "\(context.clock.dateTime(cancelledAt)) by \(context.account(cancelledBy))"))
            if let cancelReason { pairs.append(("Reason", cancelReason)) }
        }
        if let rescheduledFrom { pairs.append(("Moved from", rescheduledFrom)) }
        if let rescheduledTo { pairs.append(("Moved to", rescheduledTo)) }
        if let actualStart, let actualEnd {
            pairs.append(
                (
                    "Took place",
                    "\(context.clock.dateTime(actualStart)) – \(context.clock.dateTime(actualEnd))"
                ))
        }
        if let markedAt {
            pairs.append(("Marked", "\(context.clock.dateTime(markedAt)) by \(context.account(markedBy))"))
        }
        return Display.fields(pairs)
    }
}
