import TillitContracts
import TillitServiceKit

extension Role {
    /// The role a request names; INVALID_ARGUMENT (`roles`) for none or an unknown one.
    init(wire: Tillit_Identity_V1_Role, field: String = "roles") throws {
        switch wire {
        case .admin: self = .admin
        case .scheduler: self = .scheduler
        case .practitioner: self = .practitioner
        case .supervisor: self = .supervisor
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid(field, "unknown role")
        }
    }

    /// Sorted, de-duplicated roles of a request.
    static func roles(wire roles: [Tillit_Identity_V1_Role]) throws -> [Role] {
        Array(Set(try roles.map { try Role(wire: $0) })).sorted()
    }

    /// The wire enum.
    var wire: Tillit_Identity_V1_Role {
        switch self {
        case .admin: .admin
        case .scheduler: .scheduler
        case .practitioner: .practitioner
        case .supervisor: .supervisor
        }
    }
}
