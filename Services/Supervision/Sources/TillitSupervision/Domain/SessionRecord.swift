import TillitServiceKit

/// One logged supervision session.
public struct SessionRecord: Sendable, Equatable {
    /// The entry id.
    public var id: String
    /// The supervisee.
    public var superviseeID: String
    /// The supervisor.
    public var supervisorID: String
    /// How.
    public var kind: SessionKind
    /// When (a civil date in the practice's zone).
    public var date: CivilDate
    /// How long.
    public var minutes: Int
    /// The practice's category.
    public var category: String
    /// A note.
    public var note: String
    /// The entry it corrects.
    public var corrects: String?
    /// Its verified period, once locked.
    public var verifiedPeriodID: String?
    /// Who logged it.
    public var loggedBy: String
    /// When (milliseconds).
    public var createdAt: Int64
}
