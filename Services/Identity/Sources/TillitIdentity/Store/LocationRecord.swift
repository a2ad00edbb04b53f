import Foundation
import GRDB

/// A stored location of an organisation.
struct LocationRecord: Sendable, Equatable {
    /// The location's id.
    var id: String
    /// Its name.
    var name: String
    /// Street address (may be empty).
    var address: String
    /// The city.
    var city: String
    /// False once deactivated (locations are never deleted).
    var active: Bool

    /// The columns `init(row:)` reads.
    static let selection = "SELECT id, name, address, city, active FROM locations"

    /// Reads a row selected with `selection`.
    init(row: Row) {
        id = row["id"]
        name = row["name"]
        address = row["address"]
        city = row["city"]
        active = row["active"]
    }
}
