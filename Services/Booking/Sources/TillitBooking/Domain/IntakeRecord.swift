/// An intake request, as stored.
public struct IntakeRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// Who asks.
    public var clientID: String
    /// The practitioner asked for; nil = anyone.
    public var practitionerID: String?
    /// What the client wrote.
    public var message: String
    /// Where it stands.
    public var status: IntakeStatus
    /// When it was made.
    public var createdAt: Int64
    /// Who accepted or declined it.
    public var decidedBy: String?
    /// When.
    public var decidedAt: Int64?
    /// Why declined.
    public var declineReason: String
    /// Where else to turn.
    public var referralSuggestion: String

    /// A value with every field.
    public init(
        id: String, clientID: String, practitionerID: String?, message: String, status: IntakeStatus,
        createdAt: Int64, decidedBy: String?, decidedAt: Int64?, declineReason: String,
        referralSuggestion: String
    ) {
        self.id = id
        self.clientID = clientID
        self.practitionerID = practitionerID
        self.message = message
        self.status = status
        self.createdAt = createdAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.declineReason = declineReason
        self.referralSuggestion = referralSuggestion
    }
}
