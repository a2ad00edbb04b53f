/// What Booking knows of a location from Identity.
public struct LocationFacts: Sendable, Equatable {
    /// The location id.
    public var id: String
    /// Its name.
    public var name: String
    /// Its city.
    public var city: String
    /// False once deactivated.
    public var active: Bool

    /// A value with every field.
    public init(id: String, name: String, city: String, active: Bool) {
        self.id = id
        self.name = name
        self.city = city
        self.active = active
    }
}
