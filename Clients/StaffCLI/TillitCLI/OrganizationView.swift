import Foundation
import TillitContracts

/// An organisation as `tillit` prints it with `--json`.
struct OrganizationView: Codable, Sendable {
    /// A location.
    struct LocationView: Codable, Sendable {
        var id: String
        var name: String
        var address: String
        var city: String
        var active: Bool

        init(_ location: Tillit_Identity_V1_Location) {
            id = location.id
            name = location.name
            address = location.address
            city = location.city
            active = location.active
        }

        var row: [String] {
            [
                id, name, city, address.replacingOccurrences(of: "\n", with: ", "),
                active ? "active" : "deactivated",
            ]
        }
        static let header = ["ID", "NAME", "CITY", "ADDRESS", "STATUS"]
    }

    var id: String
    var name: String
    var timeZone: String
    var createdAt: Date?
    /// Whether every staff account must use two-factor authentication.
    var staffTotpRequired: Bool
    var locations: [LocationView]

    /// The view of `organization`.
    init(_ organization: Tillit_Identity_V1_Organization) {
        id = organization.id.value
        name = organization.name
        timeZone = organization.timeZone
        createdAt = organization.hasCreatedAt ? organization.createdAt.date : nil
        staffTotpRequired = organization.staffTotpRequired
        locations = organization.locations.map(LocationView.init)
    }

    /// Label/value lines and a table of locations, for people.
    var text: String {
        let head = Display.fields([
            ("Organisation", name), ("Id", id), ("Time zone", timeZone), ("Created", Display.date(createdAt)),
            (
                "Two-factor",
                staffTotpRequired ? "required of all staff" : "required of admins and supervisors"
            ),
        ])
        guard !locations.isEmpty else { return head + "\n\nNo locations." }
        return head + "\n\n" + Terminal.table(header: LocationView.header, rows: locations.map(\.row))
    }
}
