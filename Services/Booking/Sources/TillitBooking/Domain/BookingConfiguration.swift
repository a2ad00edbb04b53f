import Foundation
import TillitServiceKit

/// Booking's own settings (the shared ones are `ServiceConfiguration`), read once from the
/// environment.
public struct BookingConfiguration: Sendable {
    /// How long one question to Identity may take at most
    /// (`TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS`, 100–30000, default 3000); the caller's own
    /// deadline may be shorter.
    public var identityTimeout: Duration = .seconds(3)
    /// How often expired waitlist offers pass on and agreements' series are topped up
    /// (`TILLIT_BOOKING_HOUSEKEEPING_SECONDS`, 1–3600, default 60); also at start, and a series
    /// at once when its agreement is accepted or resumed.
    public var housekeepingInterval: Duration = .seconds(60)
    /// How long a freed slot stays offered to a waitlist entry
    /// (`TILLIT_BOOKING_WAITLIST_OFFER_MINUTES`, 5–10080, default 120).
    public var waitlistOfferDuration: Duration = .seconds(7200)
    /// The most slots one search page holds (500) and its default (100).
    public var maximumSlotsPerPage = 500
    /// The default slot page size.
    public var defaultSlotsPerPage = 100

    /// The defaults.
    public init() {}

    /// Reads the settings from `environment`; `ConfigurationError` naming a malformed variable.
    public init(environment: [String: String]) throws {
        self.init()
        if let millis = try Self.integer(
            "TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS", in: environment, range: 100...30_000)
        {
            identityTimeout = .milliseconds(millis)
        }
        if let seconds = try Self.integer(
            "TILLIT_BOOKING_HOUSEKEEPING_SECONDS", in: environment, range: 1...3600)
        {
            housekeepingInterval = .seconds(seconds)
        }
        if let minutes = try Self.integer(
            "TILLIT_BOOKING_WAITLIST_OFFER_MINUTES", in: environment, range: 5...10_080)
        {
            waitlistOfferDuration = .seconds(minutes * 60)
        }
    }

    private static func integer(_ variable: String, in environment: [String: String], range: ClosedRange<Int>)
        throws -> Int?
    {
        try ConfigurationError.integer(variable, in: environment, range: range)
    }
}
