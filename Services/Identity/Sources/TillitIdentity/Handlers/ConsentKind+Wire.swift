import TillitContracts
import TillitServiceKit

extension ConsentKind {
    /// The kind a request names; INVALID_ARGUMENT (`kind`) for none or an unknown one.
    init(wire: Tillit_Identity_V1_ConsentKind) throws {
        switch wire {
        case .treatment: self = .treatment
        case .shareWithPractitioner: self = .shareWithPractitioner
        case .caseConsultation: self = .caseConsultation
        case .contactByMessage: self = .contactByMessage
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid("kind", "a consent kind is required")
        }
    }

    /// The wire enum.
    var wire: Tillit_Identity_V1_ConsentKind {
        switch self {
        case .treatment: .treatment
        case .shareWithPractitioner: .shareWithPractitioner
        case .caseConsultation: .caseConsultation
        case .contactByMessage: .contactByMessage
        }
    }
}
