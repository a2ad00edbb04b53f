import TillitServiceKit

/// A supervisor and a supervisee.
public struct RelationshipRecord: Sendable, Equatable {
    /// The relationship id.
    public var id: String
    /// The supervisor.
    public var supervisorID: String
    /// The supervisee.
    public var superviseeID: String
    /// From.
    public var startsOn: CivilDate
    /// Until (inclusive), nil while it lasts.
    public var endsOn: CivilDate?
    /// The co-signature mode.
    public var mode: CosignatureMode
    /// The agreement's approval; hours count from then.
    public var agreementApprovedOn: CivilDate
    /// When created (milliseconds).
    public var createdAt: Int64

    /// Whether it holds on `date`.
    public func holds(on date: CivilDate) -> Bool {
        startsOn <= date && (endsOn.map { date <= $0 } ?? true)
    }
}
