import Foundation
import GRDB
import TillitServiceKit

extension RelationshipRecord {
    /// The columns `init(row:)` reads.
    static let columns = "id, supervisor_id, supervisee_id, starts_on, ends_on, mode, agreement_approved_on, created_at"

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let mode = CosignatureMode(rawValue: row[5]) else {
            throw ServiceError(.internalError, "unreadable relationships.mode")
        }
        let endsOn: Int64? = row[4]
        self.init(
            id: row[0], supervisorID: row[1], superviseeID: row[2], startsOn: CivilDate(day: row[3]),
            endsOn: endsOn.map(CivilDate.init(day:)), mode: mode, agreementApprovedOn: CivilDate(day: row[6]),
            createdAt: row[7])
    }
}

extension SessionRecord {
    /// The columns `init(row:)` reads.
    static let columns = """
        id, supervisee_id, supervisor_id, kind, day, minutes, category, note, corrects, verified_period_id,
        logged_by, created_at
        """

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let kind = SessionKind(rawValue: row[3]) else {
            throw ServiceError(.internalError, "unreadable sessions.kind")
        }
        self.init(
            id: row[0], superviseeID: row[1], supervisorID: row[2], kind: kind, date: CivilDate(day: row[4]),
            minutes: row[5], category: row[6], note: row[7], corrects: row[8], verifiedPeriodID: row[9],
            loggedBy: row[10], createdAt: row[11])
    }
}

extension IncidentRecord {
    /// The columns `init(row:)` reads.
    static let columns = "id, supervisee_id, category, day, text, logged_by, created_at"

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let category = IncidentCategory(rawValue: row[2]) else {
            throw ServiceError(.internalError, "unreadable incidents.category")
        }
        self.init(
            id: row[0], superviseeID: row[1], category: category, date: CivilDate(day: row[3]), text: row[4],
            loggedBy: row[5], createdAt: row[6])
    }
}

extension FlagRecord {
    /// The columns `init(row:)` reads.
    static let columns = "id, supervisee_id, category, incidents, raised_on, cleared_at, cleared_in_session"

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let category = IncidentCategory(rawValue: row[2]) else {
            throw ServiceError(.internalError, "unreadable flags.category")
        }
        self.init(
            id: row[0], superviseeID: row[1], category: category, incidents: row[3], raisedOn: CivilDate(day: row[4]),
            clearedAt: row[5], clearedInSession: row[6])
    }
}
