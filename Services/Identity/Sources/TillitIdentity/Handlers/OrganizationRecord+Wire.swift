import Foundation
import TillitContracts

extension OrganizationRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_Organization {
        var organization = Tillit_Identity_V1_Organization()
        organization.id.value = id
        organization.name = name
        organization.timeZone = timeZone
        organization.createdAt = WireMapping.timestamp(millis: createdAt)
        organization.locations = locations.map(\.proto)
        organization.staffTotpRequired = staffTotpRequired
        return organization
    }
}
