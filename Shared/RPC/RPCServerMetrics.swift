import Metrics

/// The server's own gauges and counters, made once per server through the bootstrapped
/// swift-metrics backend (Prometheus in the services, see `ServiceMetrics`):
/// - `tillit_rpc_connections` (gauge): connections open now;
/// - `tillit_rpc_connections_accepted_total`: connections accepted since start;
/// - `tillit_rpc_calls_in_flight` (gauge): calls whose handler has not answered yet;
/// - `tillit_rpc_frame_errors_total{kind}`: connections closed for a framing error, by kind
///   (`too_large`, `malformed`, `protocol_violation`, `limit_exceeded`, `read_timeout`,
///   `partial_frames_over_budget`).
///
/// Per-method counts and latencies come from `MetricsCallObserver`.
struct RPCServerMetrics: Sendable {
    let connections: Meter
    let connectionsAccepted: Counter
    let callsInFlight: Meter
    private let frameErrors: [String: Counter]

    init() {
        connections = Meter(label: "tillit_rpc_connections")
        connectionsAccepted = Counter(label: "tillit_rpc_connections_accepted_total")
        callsInFlight = Meter(label: "tillit_rpc_calls_in_flight")
        var frameErrors: [String: Counter] = [:]
        for kind in Self.frameErrorKinds {
            frameErrors[kind] = Counter(label: "tillit_rpc_frame_errors_total", dimensions: [("kind", kind)])
        }
        self.frameErrors = frameErrors
    }

    /// Counts a connection closed for `error`.
    func frameError(_ error: FrameError) {
        frameErrors[Self.label(of: error.kind)]?.increment()
    }

    private static let frameErrorKinds = [
        "too_large", "malformed", "protocol_violation", "limit_exceeded", "read_timeout",
        "partial_frames_over_budget",
    ]

    private static func label(of kind: FrameError.Kind) -> String {
        switch kind {
        case .tooLarge: "too_large"
        case .malformed: "malformed"
        case .protocolViolation: "protocol_violation"
        case .limitExceeded: "limit_exceeded"
        case .readTimeout: "read_timeout"
        case .partialFramesOverBudget: "partial_frames_over_budget"
        }
    }
}
