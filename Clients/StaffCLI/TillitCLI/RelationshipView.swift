import Foundation
import TillitContracts

/// A supervision relationship as `tillit supervision relationships` prints it.
struct RelationshipView: Codable, Sendable {
    var id: String
    var supervisorId: String
    var superviseeId: String
    var startsOn: String
    var endsOn: String?
    var mode: String
    var agreementApprovedOn: String?
    var createdAt: Date

    /// The view of `relationship`.
    init(_ relationship: Tillit_Supervision_V1_Relationship) {
        id = relationship.id
        supervisorId = relationship.supervisorID.value
        superviseeId = relationship.superviseeID.value
        startsOn = CivilDates.text(relationship.startsOn) ?? "-"
        endsOn = relationship.hasEndsOn ? CivilDates.text(relationship.endsOn) : nil
        mode = Names.word(relationship.mode, in: Names.cosignatureModes)
        agreementApprovedOn =
            relationship.hasAgreementApprovedOn ? CivilDates.text(relationship.agreementApprovedOn) : nil
        createdAt = relationship.createdAt.date
    }

    /// A table row: supervisor, supervisee, mode, from, until, agreement, id.
    func row(_ names: AccountNames) -> [String] {
        [
            names.account(supervisorId), names.account(superviseeId), mode, startsOn, endsOn ?? "-",
            agreementApprovedOn ?? "not approved", id,
        ]
    }

    /// The table header for `row`.
    static let header = ["SUPERVISOR", "SUPERVISEE", "MODE", "FROM", "UNTIL", "AGREEMENT", "ID"]
}
