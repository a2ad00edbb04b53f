import Logging

/// A key for values that interceptors attach to a `ServerContext` (e.g. the authenticated
/// caller) for handlers to read.
public protocol ServerContextKey: Sendable {
    /// The type of the value stored under this key.
    associatedtype Value: Sendable
}

/// What a handler knows about the call it is handling.
///
/// While a handler runs, its context is also available as `ServerContext.current`, so that
/// outgoing calls made while handling inherit the remaining deadline, the request id and the
/// trace context.
public struct ServerContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// The request metadata (lower-case keys).
    public let metadata: Metadata
    /// The request id: the caller's `x-request-id`, or one generated for this call.
    public let requestID: String
    /// When the caller stops waiting, if it set a timeout.
    public let deadline: ContinuousClock.Instant?
    /// The remote address, e.g. `127.0.0.1:51234`.
    public let peer: String
    /// The DNS names of the TLS client certificate the caller presented and the server
    /// verified against its trust roots (e.g. `["identity", "localhost"]` for a service);
    /// empty for plaintext and for callers without a certificate.
    public let peerCertificateNames: [String]
    /// The W3C trace context: the caller's trace id (or a new one) and this call's span.
    public let trace: TraceContext
    /// The server's logger; `logger` adds the request and trace ids to it when asked for (most calls never
    /// log, so the metadata is not built for every call).
    private var baseLogger: Logger
    private var values: [ObjectIdentifier: any Sendable] = [:]

    /// A context; the server makes these, tests may too.
    public init(
        method: MethodDescriptor,
        metadata: Metadata,
        requestID: String,
        deadline: ContinuousClock.Instant?,
        peer: String,
        peerCertificateNames: [String] = [],
        trace: TraceContext? = nil,
        logger: Logger
    ) {
        self.method = method
        self.metadata = metadata
        self.requestID = requestID
        self.deadline = deadline
        self.peer = peer
        self.peerCertificateNames = peerCertificateNames
        self.trace = trace ?? TraceContext(receiving: metadata[Metadata.Key.traceparent])
        self.baseLogger = logger
    }

    /// A logger carrying the request id and the trace id.
    public var logger: Logger {
        get {
            var logger = baseLogger
            logger[metadataKey: "request_id"] = .string(requestID)
            logger[metadataKey: "trace_id"] = .string(trace.traceID)
            return logger
        }
        set { baseLogger = newValue }
    }

    /// A value attached by an interceptor.
    public subscript<Key: ServerContextKey>(key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }

    /// The time left until the deadline, or nil when there is none.
    public var remaining: Duration? {
        deadline.map { $0 - ContinuousClock.now }
    }

    /// The context of the call being handled by the current task, if any.
    @TaskLocal public static var current: ServerContext?
}
