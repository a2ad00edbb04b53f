import Foundation

/// A stored organisation (practice) with its locations.
struct OrganizationRecord: Sendable, Equatable {
    /// The organisation's id.
    var id: String
    /// Its name.
    var name: String
    /// IANA time zone its contact hours are in.
    var timeZone: String
    /// When it was created, in milliseconds since the epoch.
    var createdAt: Int64
    /// Whether every staff account must use TOTP (on for a new practice).
    var staffTotpRequired: Bool
    /// Its locations, active first, then by name.
    var locations: [LocationRecord]
}
