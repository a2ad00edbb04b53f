/// The order of slot search results, and its page key: start, then practitioner, then location.
public struct SlotKey: Sendable, Comparable, Hashable {
    /// Start (ms).
    public var startsAt: Int64
    /// The practitioner's id.
    public var practitionerID: String
    /// The location's id.
    public var locationID: String

    /// A key.
    public init(startsAt: Int64, practitionerID: String, locationID: String) {
        self.startsAt = startsAt
        self.practitionerID = practitionerID
        self.locationID = locationID
    }

    /// The page token text: `<start>/<practitioner>/<location>`.
    public var token: String { "\(startsAt)/\(practitionerID)/\(locationID)" }

    /// A key from its page token text; nil if malformed.
    public init?(token: String) {
        let parts = token.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let start = Int64(parts[0]), parts[1].count == 36, parts[2].count == 36 else {
            return nil
        }
        self.init(startsAt: start, practitionerID: String(parts[1]), locationID: String(parts[2]))
    }

    /// Orders by start, practitioner, location.
    public static func < (lhs: SlotKey, rhs: SlotKey) -> Bool {
        (lhs.startsAt, lhs.practitionerID, lhs.locationID) < (
            rhs.startsAt, rhs.practitionerID, rhs.locationID
        )
    }
}
