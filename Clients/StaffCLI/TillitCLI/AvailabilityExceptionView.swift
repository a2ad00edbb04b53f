import Foundation
import TillitContracts

/// An availability exception (leave, a blocked day, extra hours) as `tillit booking` prints it.
struct AvailabilityExceptionView: Codable, Sendable {
    var id: String
    var practitionerId: String
    var kind: String
    var start: Date
    var end: Date
    var locationId: String?
    var reason: String
    var createdAt: Date?

    /// The view of `exception`.
    init(_ exception: Tillit_Booking_V1_AvailabilityException) {
        id = exception.id
        practitionerId = exception.practitionerID.value
        kind = Names.word(exception.kind, in: Names.exceptionKinds)
        start = exception.during.start.date
        end = exception.during.end.date
        locationId = exception.locationID.isEmpty ? nil : exception.locationID
        reason = exception.reason
        createdAt = exception.hasCreatedAt ? exception.createdAt.date : nil
    }

    /// The header of `row(_:)`, naming the zone.
    static func header(_ context: BookingContext) -> [String] {
        ["ID", "KIND", "FROM (\(context.clock.identifier))", "UNTIL", "PRACTITIONER", "LOCATION", "REASON"]
    }

    /// One table row, in `context`'s zone.
    func row(_ context: BookingContext) -> [String] {
        [
            id, kind, context.clock.dayAndTime(start), context.clock.dayAndTime(end),
            context.account(practitionerId),
            locationId.map(context.location) ?? "all", Display.cell(reason),
        ]
    }
}
