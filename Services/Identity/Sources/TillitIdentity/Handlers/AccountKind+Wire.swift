import TillitContracts
import TillitServiceKit

extension AccountKind {
    /// The kind a request names, or nil for none (`unspecified`) or an unknown one.
    init?(wire: Tillit_Identity_V1_AccountKind) {
        switch wire {
        case .staff: self = .staff
        case .client: self = .client
        case .service: self = .service
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    /// The wire enum.
    var wire: Tillit_Identity_V1_AccountKind {
        switch self {
        case .staff: .staff
        case .client: .client
        case .service: .service
        }
    }
}
