import Foundation
import TillitContracts

/// A boundary incident as `tillit supervision incidents` prints it.
struct IncidentView: Codable, Sendable {
    var id: String
    var superviseeId: String
    var category: String
    var date: String
    var text: String
    var loggedBy: String
    var createdAt: Date

    /// The view of `incident`.
    init(_ incident: Tillit_Supervision_V1_Incident) {
        id = incident.id
        superviseeId = incident.superviseeID.value
        category = Names.word(incident.category, in: Names.incidentCategories)
        date = CivilDates.text(incident.date) ?? "-"
        text = incident.text
        loggedBy = incident.loggedBy.value
        createdAt = incident.createdAt.date
    }
}
