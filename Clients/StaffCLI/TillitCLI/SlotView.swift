import Foundation
import TillitContracts

/// A free slot as `tillit booking slots` prints it.
struct SlotView: Codable, Sendable {
    var practitionerId: String
    var locationId: String
    var sessionTypeId: String
    var start: Date
    var end: Date
    /// The start in the zone the search was made for (RFC 3339 with offset).
    var localStart: String
    var utcOffsetSeconds: Int32
    var remainingCapacity: UInt32

    /// The view of `slot`.
    init(_ slot: Tillit_Booking_V1_Slot) {
        practitionerId = slot.practitionerID.value
        locationId = slot.locationID
        sessionTypeId = slot.sessionTypeID
        start = slot.time.start.date
        end = slot.time.end.date
        localStart = slot.clientLocalStart
        utcOffsetSeconds = slot.clientUtcOffsetSeconds
        remainingCapacity = slot.remainingCapacity
    }

    /// The header of `row(_:)`, naming the zone.
    static func header(_ context: BookingContext) -> [String] {
        [
            "START (\(context.clock.identifier))", "END", "PRACTITIONER", "LOCATION", "PLACES",
            "PRACTITIONER ID", "LOCATION ID",
        ]
    }

    /// One table row, in `context`'s zone.
    func row(_ context: BookingContext) -> [String] {
        [
            context.clock.dayAndTime(start), context.clock.time(end), context.account(practitionerId),
            context.location(locationId), String(remainingCapacity), practitionerId, locationId,
        ]
    }
}
