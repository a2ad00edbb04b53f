/// What slot search reads from the database, for `SlotFinder`.
public struct SlotSearchInputs: Sendable {
    /// The session type searched for.
    public var sessionType: SessionTypeRecord
    /// Availability sets of active practitioners at active locations passing the filter.
    public var availability: [AvailabilityRecord]
    /// Exceptions by practitioner.
    public var exceptions: [String: [ExceptionRecord]]
    /// Held time by practitioner, by start.
    public var busy: [String: [BusyTime]]

    /// A value with every field.
    public init(sessionType: SessionTypeRecord, availability: [AvailabilityRecord], exceptions: [String: [ExceptionRecord]], busy: [String: [BusyTime]]) {
        self.sessionType = sessionType
        self.availability = availability
        self.exceptions = exceptions
        self.busy = busy
    }
}
