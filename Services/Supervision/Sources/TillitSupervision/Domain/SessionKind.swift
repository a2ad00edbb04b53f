/// How a supervision session took place.
public enum SessionKind: String, Sendable, CaseIterable {
    /// One supervisee.
    case individual
    /// A group.
    case group
    /// Peer supervision (intervision).
    case peer
}
