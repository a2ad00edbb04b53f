/// A free slot slot search found.
public struct FoundSlot: Sendable, Equatable {
    /// Start, practitioner and location.
    public var key: SlotKey
    /// Session end (ms).
    public var endsAt: Int64
    /// Places left.
    public var remaining: Int
}
