import Foundation
import TillitContracts

/// A check-in mark as `tillit booking check-ins` prints it.
struct CheckInView: Codable, Sendable {
    var id: String
    var practitionerId: String
    var clientId: String
    var restAmount: UInt32
    var restUnit: String
    var markedAt: Date?
    var dueAt: Date?
    var status: String
    var reason: String
    var closedAt: Date?

    /// The view of `checkIn`.
    init(_ checkIn: Tillit_Booking_V1_CheckIn) {
        id = checkIn.id
        practitionerId = checkIn.practitionerID.value
        clientId = checkIn.clientID.value
        restAmount = checkIn.restAmount
        restUnit = Names.word(checkIn.restUnit, in: Names.restUnits)
        markedAt = checkIn.hasMarkedAt ? checkIn.markedAt.date : nil
        dueAt = checkIn.hasDueAt ? checkIn.dueAt.date : nil
        status = Names.word(checkIn.status, in: Names.checkInStatuses)
        reason = checkIn.reason
        closedAt = checkIn.hasClosedAt ? checkIn.closedAt.date : nil
    }

    /// The header of `row(_:)`, naming the zone.
    static func header(_ context: BookingContext) -> [String] {
        ["ID", "DUE (\(context.clock.identifier))", "CLIENT", "REST", "STATUS", "REASON"]
    }

    /// One table row.
    func row(_ context: BookingContext) -> [String] {
        [
            id, dueAt.map(context.clock.dayAndTime) ?? "-", context.account(clientId),
            "\(restAmount) \(restUnit)",
            status, Display.cell(reason),
        ]
    }
}
