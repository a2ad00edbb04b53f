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
}
