/// An appointment, as stored.
public struct AppointmentRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// The practitioner's account id.
    public var practitionerID: String
    /// The client's account id.
    public var clientID: String
    /// The session type booked.
    public var sessionTypeID: String
    /// Where.
    public var locationID: String
    /// Start in milliseconds since the epoch.
    public var startsAt: Int64
    /// End in milliseconds since the epoch.
    public var endsAt: Int64
    /// End of the buffer after the session.
    public var blockedUntil: Int64
    /// Places of the session type when booked.
    public var capacity: Int
    /// How it takes place.
    public var modality: Modality
    /// ISO 4217 code of the price.
    public var currency: String
    /// Price in minor units.
    public var priceMinorUnits: Int64
    /// Where it stands.
    public var status: AppointmentStatus
    /// Who booked it.
    public var bookedBy: String
    /// When it was booked.
    public var bookedAt: Int64
    /// When it was cancelled.
    public var cancelledAt: Int64?
    /// Who cancelled it.
    public var cancelledBy: String?
    /// Cancelled inside the cancellation window.
    public var late: Bool
    /// Why it was cancelled.
    public var cancelReason: String
    /// The appointment this one replaced.
    public var rescheduledFrom: String?
    /// The appointment that replaced this one.
    public var rescheduledTo: String?
    /// Actual start, when attended.
    public var actualStart: Int64?
    /// Actual end, when attended.
    public var actualEnd: Int64?
    /// When attendance or no-show was marked.
    public var markedAt: Int64?
    /// Who marked it.
    public var markedBy: String?
}
