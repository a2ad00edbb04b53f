import Foundation
import TillitContracts

/// A supervisee flagged for supervision, as `tillit supervision flags` prints it.
struct FlagView: Codable, Sendable {
    var id: String
    var superviseeId: String
    var category: String
    var incidents: UInt32
    var raisedOn: String
    var clearedAt: Date?
    var clearedInSession: String?

    /// The view of `flag`.
    init(_ flag: Tillit_Supervision_V1_Flag) {
        id = flag.id
        superviseeId = flag.superviseeID.value
        category = Names.word(flag.category, in: Names.incidentCategories)
        incidents = flag.incidents
        raisedOn = CivilDates.text(flag.raisedOn) ?? "-"
        clearedAt = flag.hasClearedAt ? flag.clearedAt.date : nil
        clearedInSession = flag.clearedInSession.isEmpty ? nil : flag.clearedInSession
    }

    /// One line for people: `Flagged for supervision: 3 gift incidents within the rule's window (raised 2026-03-02).`
    var sentence: String {
        "flagged for supervision: \(incidents) \(category) incidents within the pattern rule's window "
            + "(raised \(raisedOn), flag \(id))"
    }
}
