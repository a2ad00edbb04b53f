/// A practitioner's weekly availability at one location, as stored.
public struct AvailabilityRecord: Sendable, Equatable {
    /// The practitioner's account id.
    public var practitionerID: String
    /// The location's id.
    public var locationID: String
    /// The IANA zone the rules are in.
    public var timeZone: String
    /// The windows, by weekday and start.
    public var rules: [WeeklyRuleValue]
    /// Offered session types; empty = every active type.
    public var sessionTypeIDs: [String]
    /// Slot step in minutes; 0 = the session's duration plus buffer.
    public var slotStepMinutes: Int
    /// Milliseconds since the epoch.
    public var updatedAt: Int64

    /// A value with every field.
    public init(
        practitionerID: String, locationID: String, timeZone: String, rules: [WeeklyRuleValue],
        sessionTypeIDs: [String], slotStepMinutes: Int, updatedAt: Int64
    ) {
        self.practitionerID = practitionerID
        self.locationID = locationID
        self.timeZone = timeZone
        self.rules = rules
        self.sessionTypeIDs = sessionTypeIDs
        self.slotStepMinutes = slotStepMinutes
        self.updatedAt = updatedAt
    }

    /// Whether `sessionType` is offered here.
    public func offers(_ sessionType: String) -> Bool {
        sessionTypeIDs.isEmpty || sessionTypeIDs.contains(sessionType)
    }
}
