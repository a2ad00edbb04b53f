/// Time an appointment holds on its practitioner's calendar, as slot search sees it.
public struct BusyTime: Sendable, Equatable {
    /// Session start (ms).
    public var startsAt: Int64
    /// Session end (ms).
    public var endsAt: Int64
    /// End of the buffer (ms).
    public var blockedUntil: Int64
    /// Its session type (a group slot is joinable only for the same type).
    public var sessionTypeID: String
    /// Its location.
    public var locationID: String
    /// Its capacity.
    public var capacity: Int

    /// A held time.
    public init(
        startsAt: Int64, endsAt: Int64, blockedUntil: Int64, sessionTypeID: String,
        locationID: String,
        capacity: Int
    ) {
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.blockedUntil = blockedUntil
        self.sessionTypeID = sessionTypeID
        self.locationID = locationID
        self.capacity = capacity
    }
}
