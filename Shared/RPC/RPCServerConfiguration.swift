/// How an `RPCServer` listens and what it tolerates from peers.
public struct RPCServerConfiguration: Sendable {
    /// The address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// The port to bind; 0 picks a free one (see `RPCServer.localPort`).
    public var port: Int
    /// The largest accepted frame body; a larger length prefix gets `RESOURCE_EXHAUSTED` and the
    /// connection is closed.
    public var maximumFrameSize: Int
    /// Calls in flight per connection; more get `RESOURCE_EXHAUSTED` (the connection stays).
    public var maximumConcurrentCallsPerConnection: Int
    /// A connection with no calls in flight and no frames for this long is closed (with GOAWAY).
    public var idleTimeout: Duration
    /// On graceful shutdown, how long calls in flight may take to finish before being cancelled.
    public var shutdownGracePeriod: Duration
    /// The longest deadline a caller may ask for; longer timeouts are capped to this.
    public var maximumTimeout: Duration
    /// Whether handlers start on the connection's event loop instead of the cooperative pool (the
    /// library's default, for servers whose handlers may block; every Tillit service turns it on
    /// through `ServiceConfiguration`). On the event loop a handler that never suspends answers within the read
    /// that brought its request, with no thread hop; so a handler must never block the thread:
    /// it waits on SQLite through GRDB's async API, on other services through `RPCClient`, and
    /// runs blocking or long CPU work elsewhere (e.g. scrypt on its own threads). Waiting that
    /// way suspends the handler and frees the event loop for every other connection on it.
    public var handlersOnEventLoop: Bool
    /// What a peer may send before any token is checked (metadata, method paths, frame time,
    /// connections); see `RPCServerLimits`.
    public var limits: RPCServerLimits
    /// Plaintext or TLS (its context is built once and shared by every connection).
    public var transportSecurity: TransportSecurity

    /// Defaults: loopback, any port, 4 MiB frames, 1,024 calls per connection, 5 min idle, 10 s
    /// grace, 5 min maximum timeout, handlers on the pool, `RPCServerLimits()`, plaintext.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        maximumFrameSize: Int = 4 * 1024 * 1024,
        maximumConcurrentCallsPerConnection: Int = 1024,
        idleTimeout: Duration = .seconds(300),
        shutdownGracePeriod: Duration = .seconds(10),
        maximumTimeout: Duration = .seconds(300),
        handlersOnEventLoop: Bool = false,
        limits: RPCServerLimits = RPCServerLimits(),
        transportSecurity: TransportSecurity = .plaintext
    ) {
        self.host = host
        self.port = port
        self.maximumFrameSize = maximumFrameSize
        self.maximumConcurrentCallsPerConnection = maximumConcurrentCallsPerConnection
        self.idleTimeout = idleTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.maximumTimeout = maximumTimeout
        self.handlersOnEventLoop = handlersOnEventLoop
        self.limits = limits
        self.transportSecurity = transportSecurity
    }
}

extension Duration {
    /// This duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : sum
    }
}
