import Logging
import Metrics

/// What happened in one call, reported to observers when the call ends — including calls the
/// framework answered itself (UNIMPLEMENTED, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED).
public struct CallSummary: Sendable {
    /// The wire path of the method called (as sent, for unknown methods).
    public var path: String
    /// The status code the caller got (or, for a cancelled call, `.cancelled`).
    public var code: StatusCode
    /// The status message.
    public var message: String
    /// From the request arriving to the response being handed to the connection.
    public var duration: Duration
    /// The request id.
    public var requestID: String
    /// The W3C trace id (32 hex digits), or empty for a frame refused before it was decoded.
    public var traceID: String
    /// The remote address.
    public var peer: String
    /// The underlying error for failures, never sent to the caller.
    public var cause: (any Error)?

    /// A summary; the server makes these, tests and custom observers may too.
    public init(
        path: String, code: StatusCode, message: String, duration: Duration, requestID: String,
        traceID: String = "", peer: String, cause: (any Error)?
    ) {
        self.path = path
        self.code = code
        self.message = message
        self.duration = duration
        self.requestID = requestID
        self.traceID = traceID
        self.peer = peer
        self.cause = cause
    }
}

/// Sees every finished call; used for logging and metrics.
public protocol CallObserver: Sendable {
    /// Called once per call, off the event loop where possible.
    func callFinished(_ summary: CallSummary)
}

/// Logs one line per call: method, status, duration, request id, trace id. Failures with code INTERNAL or
/// UNKNOWN are logged at error level with their cause.
public struct LoggingCallObserver: CallObserver {
    private let logger: Logger
    private let level: Logger.Level

    /// An observer logging to `logger` at `level` (failures: `.error` for INTERNAL/UNKNOWN).
    public init(logger: Logger, level: Logger.Level = .info) {
        self.logger = logger
        self.level = level
    }

    public func callFinished(_ summary: CallSummary) {
        let micros = summary.duration.nanoseconds / 1000
        var metadata: Logger.Metadata = [
            "method": .string(summary.path),
            "status": .string(summary.code.description),
            "duration_us": .stringConvertible(micros),
            "request_id": .string(summary.requestID),
            "peer": .string(summary.peer),
        ]
        if !summary.traceID.isEmpty { metadata["trace_id"] = .string(summary.traceID) }
        switch summary.code {
        case .internalError, .unknown, .dataLoss:
            if let cause = summary.cause { metadata["cause"] = .string(String(describing: cause)) }
            logger.log(level: .error, "call", metadata: metadata)
        default:
            if !summary.message.isEmpty, summary.code != .ok {
                metadata["message"] = .string(summary.message)
            }
            logger.log(level: level, "call", metadata: metadata)
        }
    }
}

/// Counts calls per method and status (`tillit_rpc_calls_total`) and records their latency per
/// method (`tillit_rpc_call_duration_seconds`), through swift-metrics.
///
/// A path the server does not serve is counted as `method="other"`: the path is the caller's,
/// and a label per path a peer makes up would grow the metrics (and this cache) without bound.
public final class MetricsCallObserver: CallObserver {
    private struct CounterKey: Hashable {
        var path: String
        var code: StatusCode
    }

    private let counters = LockedCache<CounterKey, Counter>()
    private let timers = LockedCache<String, Metrics.Timer>()

    private let knownPaths: Set<String>?

    /// The label of a path the server does not serve.
    public static let otherMethod = "other"

    /// An observer reporting to the bootstrapped metrics backend; with `knownPaths` (the paths
    /// the server routes), any other path is labelled `other`.
    public init(knownPaths: Set<String>? = nil) {
        self.knownPaths = knownPaths
    }

    public func callFinished(_ summary: CallSummary) {
        let path =
            knownPaths.map { $0.contains(summary.path) ? summary.path : Self.otherMethod } ?? summary.path
        counters.value(for: CounterKey(path: path, code: summary.code)) { key in
            Counter(
                label: "tillit_rpc_calls_total",
                dimensions: [("method", key.path), ("code", key.code.description)])
        }.increment()
        timers.value(for: path) { path in
            Metrics.Timer(label: "tillit_rpc_call_duration_seconds", dimensions: [("method", path)])
        }.recordNanoseconds(summary.duration.nanoseconds)
    }
}
