/// Which practitioners and places a slot search considers; every field optional.
public struct SlotFilter: Sendable, Equatable {
    /// Only these practitioners (empty: all).
    public var practitioners: [String] = []
    /// Only these locations (empty: all).
    public var locations: [String] = []
    /// Only locations in this city (case-insensitive; empty: any).
    public var city: String = ""
    /// Only practitioners working in this BCP 47 language (empty: any).
    public var language: String = ""
    /// Only practitioners of this discipline (case-insensitive; empty: any).
    public var discipline: String = ""

    /// No filter.
    public init() {}
}
