import Metrics
import Prometheus
import Synchronization

/// The process's metrics: one Prometheus registry behind swift-metrics, bootstrapped once at
/// start (`ServiceExit.serve` does it before anything makes a counter), scraped through
/// `MetricsEndpoint`.
///
/// What the services record (names as scraped):
/// - `tillit_rpc_calls_total{method,code}`, `tillit_rpc_call_duration_seconds{method}` (histogram),
///   `tillit_rpc_calls_in_flight`, `tillit_rpc_connections`, `tillit_rpc_connections_accepted_total`,
///   `tillit_rpc_frame_errors_total{kind}` (TillitRPC);
/// - `tillit_sqlite_write_duration_seconds{writer}` (histogram), `tillit_sqlite_busy_retries_total`
///   (TillitStorage);
/// - `tillit_token_verifier_cache_total{result}`.
public enum ServiceMetrics {
    /// The registry every metric of this process is in.
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped = Mutex(false)

    /// Latency buckets from 50 µs to 10 s: calls on loopback take tens of microseconds, a
    /// durable write about a millisecond.
    public static let latencyBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Makes `registry` the swift-metrics backend, once per process; later calls do nothing.
    /// Returns whether this call did it.
    @discardableResult
    public static func bootstrap() -> Bool {
        bootstrapped.withLock { done in
            guard !done else { return false }
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = latencyBuckets
            MetricsSystem.bootstrap(factory)
            done = true
            return true
        }
    }

    /// The Prometheus text exposition of every metric recorded so far.
    public static func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
