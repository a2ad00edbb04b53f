import TillitServiceKit

/// A supervisee flagged for the next supervision session by the pattern rule.
public struct FlagRecord: Sendable, Equatable {
    /// The id.
    public var id: String
    /// The supervisee.
    public var superviseeID: String
    /// The category that matched.
    public var category: IncidentCategory
    /// The incidents in the window when it matched.
    public var incidents: Int
    /// The day it was raised.
    public var raisedOn: CivilDate
    /// When cleared (milliseconds).
    public var clearedAt: Int64?
    /// The supervision session it was cleared in.
    public var clearedInSession: String?
}
