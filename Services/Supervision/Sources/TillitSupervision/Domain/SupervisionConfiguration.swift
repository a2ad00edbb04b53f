import Foundation
import TillitServiceKit

/// Supervision's own settings (the shared ones are `ServiceConfiguration`), read once from the
/// environment.
public struct SupervisionConfiguration: Sendable {
    /// How long one question to Identity, Booking or Notes may take at most
    /// (`TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS`, 100–30000, default 3000); the caller's
    /// own deadline may be shorter.
    public var dependencyTimeout: Duration = .seconds(3)
    /// How long the practice's time zone from Identity is reused before it is asked again
    /// (`TILLIT_SUPERVISION_ZONE_CACHE_SECONDS`, 0–3600, default 60; 0 asks on every call).
    public var zoneCacheTime: Duration = .seconds(60)
    /// The most bytes of an incident's text, a consultation's summary, reply or outcome (4,000).
    public var maximumTextBytes = 4_000

    /// The defaults.
    public init() {}

    /// Reads the settings from `environment`; `ConfigurationError` naming a malformed variable.
    public init(environment: [String: String]) throws {
        self.init()
        if let millis = try ConfigurationError.integer(
            "TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS", in: environment, range: 100...30_000) {
            dependencyTimeout = .milliseconds(millis)
        }
        if let seconds = try ConfigurationError.integer(
            "TILLIT_SUPERVISION_ZONE_CACHE_SECONDS", in: environment, range: 0...3_600) {
            zoneCacheTime = .seconds(seconds)
        }
    }
}
