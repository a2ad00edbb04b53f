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
}
