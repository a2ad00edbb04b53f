import Foundation
import TillitContracts

/// A logged supervision session as `tillit supervision hours` prints it.
struct SupervisionSessionView: Codable, Sendable {
    var id: String
    var superviseeId: String
    var supervisorId: String
    var kind: String
    var date: String
    var minutes: UInt32
    var category: String
    var note: String?
    var corrects: String?
    var verifiedPeriodId: String?
    var loggedBy: String
    var createdAt: Date

    /// The view of `session`.
    init(_ session: Tillit_Supervision_V1_SupervisionSession) {
        id = session.id
        superviseeId = session.superviseeID.value
        supervisorId = session.supervisorID.value
        kind = Names.word(session.kind, in: Names.supervisionKinds)
        date = CivilDates.text(session.date) ?? "-"
        minutes = session.minutes
        category = session.category
        note = session.note.isEmpty ? nil : session.note
        corrects = session.corrects.isEmpty ? nil : session.corrects
        verifiedPeriodId = session.verifiedPeriodID.isEmpty ? nil : session.verifiedPeriodID
        loggedBy = session.loggedBy.value
        createdAt = session.createdAt.date
    }
}
