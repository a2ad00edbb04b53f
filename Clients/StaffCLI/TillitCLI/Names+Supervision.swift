import Foundation
import TillitContracts

extension Names {
    /// Co-signature mode words.
    static let cosignatureModes: [(String, Tillit_Supervision_V1_CosignatureMode)] = [
        ("none", .none), ("review", .review), ("cosign-all", .cosignAll),
    ]

    /// Supervision session kind words.
    static let supervisionKinds: [(String, Tillit_Supervision_V1_SessionKind)] = [
        ("individual", .individual), ("group", .group), ("peer", .peer),
    ]

    /// Report period words.
    static let reportPeriods: [(String, Tillit_Supervision_V1_PeriodKind)] = [
        ("week", .week), ("month", .month), ("custom", .custom),
    ]

    /// Boundary incident category words.
    static let incidentCategories: [(String, Tillit_Supervision_V1_IncidentCategory)] = [
        ("out-of-hours-contact", .outOfHoursContact), ("gift", .gift),
        ("social-invitation", .socialInvitation),
        ("dual-relationship", .dualRelationship), ("personal-phone-shared", .personalPhoneShared),
        ("self-disclosure", .selfDisclosure), ("other", .other),
    ]
}
