import Foundation
import TillitContracts

/// An intake request as `tillit booking intake` prints it.
struct IntakeView: Codable, Sendable {
    var id: String
    var clientId: String
    /// Absent: any practitioner.
    var practitionerId: String?
    var message: String
    var status: String
    var createdAt: Date?
    var decidedBy: String?
    var decidedAt: Date?
    var declineReason: String?
    var referralSuggestion: String?

    /// The view of `intake`.
    init(_ intake: Tillit_Booking_V1_IntakeRequest) {
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        id = intake.id
        clientId = intake.clientID.value
        practitionerId = intake.hasPractitionerID ? optional(intake.practitionerID.value) : nil
        message = intake.message
        status = Names.word(intake.status, in: Names.intakeStatuses)
        createdAt = intake.hasCreatedAt ? intake.createdAt.date : nil
        decidedBy = intake.hasDecidedBy ? optional(intake.decidedBy.value) : nil
        decidedAt = intake.hasDecidedAt ? intake.decidedAt.date : nil
        declineReason = optional(intake.declineReason)
        referralSuggestion = optional(intake.referralSuggestion)
    }

    /// The header of `row(_:)`, naming the zone.
    static func header(_ context: BookingContext) -> [String] {
        ["ID", "CREATED (\(context.clock.identifier))", "STATUS", "CLIENT", "PRACTITIONER", "MESSAGE"]
    }

    /// One table row.
    func row(_ context: BookingContext) -> [String] {
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? ""
        return [
            id, createdAt.map(context.clock.dayAndTime) ?? "-", status, context.account(clientId),
            practitionerId.map(context.account) ?? "anyone",
            Display.cell(firstLine.count > 60 ? String(firstLine.prefix(59)) + "…" : firstLine),
        ]
    }
}
