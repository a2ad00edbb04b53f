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

    /// A value with every field.
    public init(
        id: String, practitionerID: String, clientID: String, sessionTypeID: String, locationID: String,
        startsAt: Int64, endsAt: Int64, blockedUntil: Int64, capacity: Int, modality: Modality,
        currency: String, priceMinorUnits: Int64, status: AppointmentStatus, bookedBy: String,
        bookedAt: Int64, cancelledAt: Int64?, cancelledBy: String?, late: Bool, cancelReason: String,
        rescheduledFrom: String?, rescheduledTo: String?, actualStart: Int64?, actualEnd: Int64?,
        markedAt: Int64?, markedBy: String?
    ) {
        self.id = id
        self.practitionerID = practitionerID
        self.clientID = clientID
        self.sessionTypeID = sessionTypeID
        self.locationID = locationID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.blockedUntil = blockedUntil
        self.capacity = capacity
        self.modality = modality
        self.currency = currency
        self.priceMinorUnits = priceMinorUnits
        self.status = status
        self.bookedBy = bookedBy
        self.bookedAt = bookedAt
        self.cancelledAt = cancelledAt
        self.cancelledBy = cancelledBy
        self.late = late
        self.cancelReason = cancelReason
        self.rescheduledFrom = rescheduledFrom
        self.rescheduledTo = rescheduledTo
        self.actualStart = actualStart
        self.actualEnd = actualEnd
        self.markedAt = markedAt
        self.markedBy = markedBy
    }
}
