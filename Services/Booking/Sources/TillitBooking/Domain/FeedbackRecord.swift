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
}
