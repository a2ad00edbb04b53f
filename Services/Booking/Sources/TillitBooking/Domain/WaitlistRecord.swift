/// A waitlist entry, as stored.
public struct WaitlistRecord: Sendable, Equatable {
    /// Where it stands.
    public enum Status: String, Sendable {
        /// Waiting for a matching freed slot.
        case waiting
        /// A slot is offered until `offerExpiresAt`.
        case offered
        /// Booked as `appointmentID`.
        case booked
        /// The offer expired.
        case expired
        /// The client left.
        case left
    }

    /// Lower-case UUID.
    public var id: String
    /// Who waits.
    public var clientID: String
    /// For whom (nil: anyone).
    public var practitionerID: String?
    /// The session type.
    public var sessionTypeID: String
    /// Starts that suit (ms).
    public var window: Range<Int64>
    /// Where it stands.
    public var status: Status
    /// When joined (ms).
    public var joinedAt: Int64
    /// The offered slot's practitioner.
    public var offeredPractitionerID: String?
    /// The offered slot's location.
    public var offeredLocationID: String?
    /// The offered slot's start (ms).
    public var offeredStart: Int64?
    /// When the offer expires (ms).
    public var offerExpiresAt: Int64?
    /// The appointment booked from the offer.
    public var appointmentID: String?

    /// A value with every field.
    public init(
        id: String, clientID: String, practitionerID: String?, sessionTypeID: String, window: Range<Int64>,
        status: Status, joinedAt: Int64, offeredPractitionerID: String?, offeredLocationID: String?,
        offeredStart: Int64?, offerExpiresAt: Int64?, appointmentID: String?
    ) {
        self.id = id
        self.clientID = clientID
        self.practitionerID = practitionerID
        self.sessionTypeID = sessionTypeID
        self.window = window
        self.status = status
        self.joinedAt = joinedAt
        self.offeredPractitionerID = offeredPractitionerID
        self.offeredLocationID = offeredLocationID
        self.offeredStart = offeredStart
        self.offerExpiresAt = offerExpiresAt
        self.appointmentID = appointmentID
    }
}
