/// A session type as stored.
public struct SessionTypeRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// Display name, unique among active types (case-insensitive).
    public var name: String
    /// 5–480.
    public var durationMinutes: Int
    /// 0–240.
    public var bufferAfterMinutes: Int
    /// How it takes place.
    public var modality: Modality
    /// 1, or 2–100 for a group.
    public var capacity: Int
    /// ISO 4217 code.
    public var currency: String
    /// Price in the currency's minor unit.
    public var priceMinorUnits: Int64
    /// False once archived.
    public var active: Bool
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    /// A value with every field.
    public init(
        id: String, name: String, durationMinutes: Int, bufferAfterMinutes: Int, modality: Modality,
        capacity: Int, currency: String, priceMinorUnits: Int64, active: Bool, createdAt: Int64
    ) {
        self.id = id
        self.name = name
        self.durationMinutes = durationMinutes
        self.bufferAfterMinutes = bufferAfterMinutes
        self.modality = modality
        self.capacity = capacity
        self.currency = currency
        self.priceMinorUnits = priceMinorUnits
        self.active = active
        self.createdAt = createdAt
    }

    /// The session length in milliseconds.
    public var durationMillis: Int64 { Int64(durationMinutes) * 60_000 }
    /// The buffer after the session in milliseconds.
    public var bufferMillis: Int64 { Int64(bufferAfterMinutes) * 60_000 }
}
