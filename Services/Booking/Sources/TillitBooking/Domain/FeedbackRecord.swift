/// Feedback a client gave, as stored.
public struct FeedbackRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// Who gave it.
    public var clientID: String
    /// About whom.
    public var practitionerID: String
    /// The appointment it is about, if any.
    public var appointmentID: String?
    /// 1–5, or 0.
    public var rating: Int
    /// The text.
    public var text: String
    /// When.
    public var submittedAt: Int64

    /// A value with every field.
    public init(
        id: String, clientID: String, practitionerID: String, appointmentID: String?, rating: Int,
        text: String, submittedAt: Int64
    ) {
        self.id = id
        self.clientID = clientID
        self.practitionerID = practitionerID
        self.appointmentID = appointmentID
        self.rating = rating
        self.text = text
        self.submittedAt = submittedAt
    }
}
