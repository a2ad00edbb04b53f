import Foundation
import TillitServiceKit

/// Booking's own settings (the shared ones are `ServiceConfiguration`), read once from the
/// environment.
public struct BookingConfiguration: Sendable {
    /// How long one question to Identity may take at most
    /// (`TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS`, 100–30000, default 3000); the caller's own
    /// deadline may be shorter.
    public var identityTimeout: Duration = .seconds(3)
    /// How often active agreements' series are topped up (`TILLIT_BOOKING_SERIES_INTERVAL_SECONDS`,
    /// 1–86400, default 3600); also at start, and at once when an agreement is accepted or resumed.
    public var seriesInterval: Duration = .seconds(3600)
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
        let series = "TILLIT_BOOKING_SERIES_INTERVAL_SECONDS"
        if let text = environment[series], !text.isEmpty {
            guard let seconds = Int(text), (1...86_400).contains(seconds) else {
                throw ConfigurationError(variable: series, message: "'\(text)' is not a whole number from 1 to 86400")
            }
            seriesInterval = .seconds(seconds)
        }
    }
}
