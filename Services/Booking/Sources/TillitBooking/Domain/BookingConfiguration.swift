import Foundation
import TillitServiceKit

/// Booking's own settings (the shared ones are `ServiceConfiguration`), read once from the
/// environment.
public struct BookingConfiguration: Sendable {
    /// How long one question to Identity may take at most
    /// (`TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS`, 100–30000, default 3000); the caller's own
    /// deadline may be shorter.
    public var identityTimeout: Duration = .seconds(3)
    /// The most slots one search page holds (500) and its default (100).
    public var maximumSlotsPerPage = 500
    /// The default slot page size.
    public var defaultSlotsPerPage = 100

    /// The defaults.
    public init() {}

    /// Reads the settings from `environment`; `ConfigurationError` naming a malformed variable.
    public init(environment: [String: String]) throws {
        self.init()
        let variable = "TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS"
        if let text = environment[variable], !text.isEmpty {
            guard let millis = Int(text), (100...30_000).contains(millis) else {
                throw ConfigurationError(variable: variable, message: "'\(text)' is not a whole number from 100 to 30000")
            }
            identityTimeout = .milliseconds(millis)
        }
    }
}
