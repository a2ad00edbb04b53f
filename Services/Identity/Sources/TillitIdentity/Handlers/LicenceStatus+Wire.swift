import TillitContracts
import TillitServiceKit

extension LicenceStatus {
    /// The licence status a request names: nil for none (`unspecified`); INVALID_ARGUMENT
    /// (`licence_status`) for an unknown one.
    static func from(wire: Tillit_Identity_V1_LicenceStatus) throws -> LicenceStatus? {
        switch wire {
        case .unspecified: nil
        case .licensed: .licensed
        case .preLicensed: .preLicensed
        case .UNRECOGNIZED: throw ServiceError.invalid("licence_status", "unknown licence status")
        }
    }

    /// The wire enum.
    var wire: Tillit_Identity_V1_LicenceStatus {
        switch self {
        case .licensed: .licensed
        case .preLicensed: .preLicensed
        }
    }
}
