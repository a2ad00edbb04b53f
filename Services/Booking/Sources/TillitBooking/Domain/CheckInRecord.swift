/// A check-in mark, as stored.
public struct CheckInRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// Who marked it.
    public var practitionerID: String
    /// Whom it is about.
    public var clientID: String
    /// The rest period's length.
    public var restAmount: Int
    /// Its unit.
    public var restUnit: RestUnit
    /// When it was marked.
    public var markedAt: Int64
    /// The end of the rest period.
    public var dueAt: Int64
    /// Where it stands.
    public var status: CheckInStatus
    /// Why.
    public var reason: String
    /// When it was closed.
    public var closedAt: Int64?
}
