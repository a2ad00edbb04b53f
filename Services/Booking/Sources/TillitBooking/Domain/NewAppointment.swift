/// An appointment to be booked, validated by the handler.
public struct NewAppointment: Sendable, Equatable {
    /// The practitioner.
    public var practitionerID: String
    /// The client.
    public var clientID: String
    /// The session type (its duration, buffer, capacity and price are copied onto the row).
    public var sessionType: SessionTypeRecord
    /// Where.
    public var locationID: String
    /// Start (ms).
    public var startsAt: Int64

    /// A value with every field.
    public init(
        practitionerID: String, clientID: String, sessionType: SessionTypeRecord, locationID: String,
        startsAt: Int64
    ) {
        self.practitionerID = practitionerID
        self.clientID = clientID
        self.sessionType = sessionType
        self.locationID = locationID
        self.startsAt = startsAt
    }

    /// End (ms).
    public var endsAt: Int64 { startsAt + sessionType.durationMillis }
    /// End of the buffer (ms).
    public var blockedUntil: Int64 { endsAt + sessionType.bufferMillis }
}
