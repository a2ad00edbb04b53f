import Foundation
import TillitContracts
import TillitServiceKit

extension NewLocationInput {
    /// Validates a location from a request; errors name the field under `field`.
    init(_ location: Tillit_Identity_V1_NewLocation, field: String) throws {
        self.init(
            name: try Validation.name(location.name, field: "\(field).name"),
            address: try Validation.text(location.address, field: "\(field).address", max: 1000),
            city: try Validation.name(location.city, field: "\(field).city"))
    }
}
