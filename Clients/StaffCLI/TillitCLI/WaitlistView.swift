import Foundation
import TillitContracts

/// A waitlist entry as `tillit booking waitlist` prints it.
struct WaitlistView: Codable, Sendable {
    var id: String
    var clientId: String
    /// Absent: any practitioner.
    var practitionerId: String?
    var sessionTypeId: String
    /// Slots starting in [windowStart, windowEnd) suit the client.
    var windowStart: Date
    var windowEnd: Date
    var status: String
    var joinedAt: Date?
    var offeredPractitionerId: String?
    var offeredLocationId: String?
    var offeredStart: Date?
    var offerExpiresAt: Date?
    var appointmentId: String?

    /// The view of `entry`.
    init(_ entry: Tillit_Booking_V1_WaitlistEntry) {
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        id = entry.id
        clientId = entry.clientID.value
        practitionerId = entry.hasPractitionerID ? optional(entry.practitionerID.value) : nil
        sessionTypeId = entry.sessionTypeID
        windowStart = entry.window.start.date
        windowEnd = entry.window.end.date
        status = Names.word(entry.status, in: Names.waitlistStatuses)
        joinedAt = entry.hasJoinedAt ? entry.joinedAt.date : nil
        offeredPractitionerId =
            entry.hasOfferedPractitionerID ? optional(entry.offeredPractitionerID.value) : nil
        offeredLocationId = optional(entry.offeredLocationID)
        offeredStart = entry.hasOfferedStart ? entry.offeredStart.date : nil
        offerExpiresAt = entry.hasOfferExpiresAt ? entry.offerExpiresAt.date : nil
        appointmentId = optional(entry.appointmentID)
    }

    /// The offer (or what was booked) for people; `-` when there is none.
    func offer(_ context: BookingContext) -> String {
        guard let offeredStart else { return "-" }
        var text =
            "\(context.clock.dayAndTime(offeredStart)) with \(context.account(offeredPractitionerId)) "
            + "at \(context.location(offeredLocationId))"
        if status == "offered", let offerExpiresAt {
            text += " (until \(context.clock.time(offerExpiresAt)))"
        }
        return text
    }

    /// The header of `row(_:)`, naming the zone.
    static func header(_ context: BookingContext) -> [String] {
        [
            "ID", "STATUS", "CLIENT", "PRACTITIONER", "SESSION TYPE", "FROM (\(context.clock.identifier))",
            "UNTIL", "OFFER",
        ]
    }

    /// One table row.
    func row(_ context: BookingContext) -> [String] {
        [
            id, status, context.account(clientId), practitionerId.map(context.account) ?? "anyone",
            context.sessionType(sessionTypeId), context.clock.dayAndTime(windowStart),
            context.clock.dayAndTime(windowEnd), offer(context),
        ]
    }
}
