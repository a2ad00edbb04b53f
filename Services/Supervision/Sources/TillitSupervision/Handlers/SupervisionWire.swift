import Foundation
import TillitContracts
import TillitServiceKit

/// Records ↔ wire messages and enums, in one place.
enum SupervisionWire {
    static func mode(_ wire: Tillit_Supervision_V1_CosignatureMode) throws -> CosignatureMode {
        switch wire {
        case .none: .none
        case .review: .review
        case .cosignAll: .cosignAll
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid("mode", "must be NONE, REVIEW or COSIGN_ALL")
        }
    }

    static func mode(_ mode: CosignatureMode) -> Tillit_Supervision_V1_CosignatureMode {
        switch mode {
        case .none: .none
        case .review: .review
        case .cosignAll: .cosignAll
        }
    }

    static func sessionKind(_ wire: Tillit_Supervision_V1_SessionKind) throws -> SessionKind {
        switch wire {
        case .individual: .individual
        case .group: .group
        case .peer: .peer
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid("kind", "must be INDIVIDUAL, GROUP or PEER")
        }
    }

    static func sessionKind(_ kind: SessionKind) -> Tillit_Supervision_V1_SessionKind {
        switch kind {
        case .individual: .individual
        case .group: .group
        case .peer: .peer
        }
    }

    static func periodKind(_ wire: Tillit_Supervision_V1_PeriodKind) throws -> ReportPeriods.Kind {
        switch wire {
        case .week: .week
        case .month: .month
        case .custom: .custom
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid("period", "must be WEEK, MONTH or CUSTOM")
        }
    }

    static func incidentCategory(_ wire: Tillit_Supervision_V1_IncidentCategory) throws -> IncidentCategory {
        switch wire {
        case .outOfHoursContact: .outOfHoursContact
        case .gift: .gift
        case .socialInvitation: .socialInvitation
        case .dualRelationship: .dualRelationship
        case .personalPhoneShared: .personalPhoneShared
        case .selfDisclosure: .selfDisclosure
        case .other: .other
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid("category", "must be a boundary-incident category")
        }
    }

    static func incidentCategory(_ category: IncidentCategory) -> Tillit_Supervision_V1_IncidentCategory {
        switch category {
        case .outOfHoursContact: .outOfHoursContact
        case .gift: .gift
        case .socialInvitation: .socialInvitation
        case .dualRelationship: .dualRelationship
        case .personalPhoneShared: .personalPhoneShared
        case .selfDisclosure: .selfDisclosure
        case .other: .other
        }
    }

    static func relationship(_ record: RelationshipRecord) -> Tillit_Supervision_V1_Relationship {
        .with {
            $0.id = record.id
            $0.supervisorID = Tillit_Common_V1_AccountId(record.supervisorID)
            $0.superviseeID = Tillit_Common_V1_AccountId(record.superviseeID)
            $0.startsOn = Tillit_Common_V1_Date(record.startsOn)
            if let endsOn = record.endsOn { $0.endsOn = Tillit_Common_V1_Date(endsOn) }
            $0.mode = mode(record.mode)
            $0.agreementApprovedOn = Tillit_Common_V1_Date(record.agreementApprovedOn)
            $0.createdAt = Tillit_Common_V1_Timestamp(millis: record.createdAt)
        }
    }

    static func session(_ record: SessionRecord) -> Tillit_Supervision_V1_SupervisionSession {
        .with {
            $0.id = record.id
            $0.superviseeID = Tillit_Common_V1_AccountId(record.superviseeID)
            $0.supervisorID = Tillit_Common_V1_AccountId(record.supervisorID)
            $0.kind = sessionKind(record.kind)
            $0.date = Tillit_Common_V1_Date(record.date)
            $0.minutes = UInt32(record.minutes)
            $0.category = record.category
            $0.note = record.note
            $0.corrects = record.corrects ?? ""
            $0.verifiedPeriodID = record.verifiedPeriodID ?? ""
            $0.loggedBy = Tillit_Common_V1_AccountId(record.loggedBy)
            $0.createdAt = Tillit_Common_V1_Timestamp(millis: record.createdAt)
        }
    }

    /// One report period: minutes by category (by name), the ratio to direct contact.
    static func period(
        _ range: ClosedRange<CivilDate>, byCategory: [String: UInt64], directContact: UInt64, verified: Bool
    ) -> Tillit_Supervision_V1_ReportPeriod {
        let supervision = byCategory.values.reduce(0, +)
        return .with {
            $0.start = Tillit_Common_V1_Date(range.lowerBound)
            $0.end = Tillit_Common_V1_Date(range.upperBound)
            $0.supervisionMinutes = supervision
            $0.byCategory = byCategory.sorted { $0.key < $1.key }.map { name, minutes in
                .with {
                    $0.category = name
                    $0.minutes = minutes
                }
            }
            $0.directContactMinutes = directContact
            $0.ratio = directContact == 0 ? 0 : Double(supervision) / Double(directContact)
            $0.verified = verified
        }
    }

    /// A consultation; the client only when `clientShown` (consent in force), else withheld.
    static func consultation(_ record: ConsultationRecord, clientShown: Bool) -> Tillit_Supervision_V1_Consultation {
        .with {
            $0.id = record.id
            $0.superviseeID = Tillit_Common_V1_AccountId(record.superviseeID)
            $0.supervisorID = Tillit_Common_V1_AccountId(record.supervisorID)
            $0.topic = record.topic
            $0.summary = record.summary
            if let client = record.clientID {
                if clientShown { $0.clientID = Tillit_Common_V1_AccountId(client) } else { $0.clientWithheld = true }
            }
            $0.closed = record.closed
            $0.outcome = record.outcome
            $0.actions = record.actions
            $0.createdAt = Tillit_Common_V1_Timestamp(millis: record.createdAt)
            $0.replies = record.replies.map(reply)
        }
    }

    static func reply(_ record: ReplyRecord) -> Tillit_Supervision_V1_Reply {
        .with {
            $0.id = record.id
            $0.authorID = Tillit_Common_V1_AccountId(record.authorID)
            $0.text = record.text
            $0.createdAt = Tillit_Common_V1_Timestamp(millis: record.createdAt)
        }
    }

    static func incident(_ record: IncidentRecord) -> Tillit_Supervision_V1_Incident {
        .with {
            $0.id = record.id
            $0.superviseeID = Tillit_Common_V1_AccountId(record.superviseeID)
            $0.category = incidentCategory(record.category)
            $0.date = Tillit_Common_V1_Date(record.date)
            $0.text = record.text
            $0.loggedBy = Tillit_Common_V1_AccountId(record.loggedBy)
            $0.createdAt = Tillit_Common_V1_Timestamp(millis: record.createdAt)
        }
    }

    static func flag(_ record: FlagRecord) -> Tillit_Supervision_V1_Flag {
        .with {
            $0.id = record.id
            $0.superviseeID = Tillit_Common_V1_AccountId(record.superviseeID)
            $0.category = incidentCategory(record.category)
            $0.incidents = UInt32(record.incidents)
            $0.raisedOn = Tillit_Common_V1_Date(record.raisedOn)
            if let cleared = record.clearedAt { $0.clearedAt = Tillit_Common_V1_Timestamp(millis: cleared) }
            $0.clearedInSession = record.clearedInSession ?? ""
        }
    }
}
