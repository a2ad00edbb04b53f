import Foundation
import TillitContracts

extension LocationRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_Location {
        var location = Tillit_Identity_V1_Location()
        location.id = id
        location.name = name
        location.address = address
        location.city = city
        location.active = active
        return location
    }
}
