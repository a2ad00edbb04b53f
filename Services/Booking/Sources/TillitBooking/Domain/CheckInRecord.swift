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

    /// A value with every field.
    public init(
        id: String, practitionerID: String, clientID: String, restAmount: Int, restUnit: RestUnit,
        markedAt: Int64, dueAt: Int64, status: CheckInStatus, reason: String, closedAt: Int64?
    ) {
        self.id = id
        self.practitionerID = practitionerID
        self.clientID = clientID
        self.restAmount = restAmount
        self.restUnit = restUnit
        self.markedAt = markedAt
        self.dueAt = dueAt
        self.status = status
        self.reason = reason
        self.closedAt = closedAt
    }
}
