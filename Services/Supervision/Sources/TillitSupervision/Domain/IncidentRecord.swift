import TillitServiceKit

/// A logged boundary incident.
public struct IncidentRecord: Sendable, Equatable {
    /// The id.
    public var id: String
    /// The supervisee.
    public var superviseeID: String
    /// What kind.
    public var category: IncidentCategory
    /// When.
    public var date: CivilDate
    /// What happened.
    public var text: String
    /// Who logged it.
    public var loggedBy: String
    /// When logged (milliseconds).
    public var createdAt: Int64
}
