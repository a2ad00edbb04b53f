/// The four Tillit services, with their default loopback ports.
public enum ServiceName: String, Sendable, CaseIterable {
    case identity
    case booking
    case notes
    case supervision

    /// The default port of the local stack: identity 7101, booking 7102, notes 7103,
    /// supervision 7104.
    public var defaultPort: Int {
        switch self {
        case .identity: 7101
        case .booking: 7102
        case .notes: 7103
        case .supervision: 7104
        }
    }

    /// The conventional metrics port (compose): identity 9101, booking 9102, notes 9103,
    /// supervision 9104.
    public var defaultMetricsPort: Int { defaultPort + 2000 }

    /// The environment variable with this service's address, e.g. `TILLIT_BOOKING_ADDR`.
    public var addressVariable: String {
        "TILLIT_\(rawValue.uppercased())_ADDR"
    }

    /// The environment variable naming where the service serves Prometheus metrics, e.g.
    /// `TILLIT_BOOKING_METRICS_ADDR`.
    public var metricsAddressVariable: String {
        "TILLIT_\(rawValue.uppercased())_METRICS_ADDR"
    }
}
