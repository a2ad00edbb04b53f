import Foundation

/// A validated location to create.
struct NewLocationInput: Sendable {
    /// The location's name.
    var name: String
    /// Street address (may be empty).
    var address: String
    /// The city.
    var city: String
}
