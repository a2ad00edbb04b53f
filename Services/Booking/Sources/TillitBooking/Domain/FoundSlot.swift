/// A free slot slot search found.
public struct FoundSlot: Sendable, Equatable {
    /// Start, practitioner and location.
    public var key: SlotKey
    /// Session end (ms).
    public var endsAt: Int64
    /// Places left.
    public var remaining: Int

    /// A value with every field.
    public init(key: SlotKey, endsAt: Int64, remaining: Int) {
        self.key = key
        self.endsAt = endsAt
        self.remaining = remaining
    }
}
