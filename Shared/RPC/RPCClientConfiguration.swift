/// How an `RPCClient` connects to its peer.
public struct RPCClientConfiguration: Sendable {
    /// Connections kept to the peer; calls are spread over them round-robin.
    public var connectionsPerPeer: Int
    /// How long establishing a connection may take.
    public var connectTimeout: Duration
    /// The timeout of a call whose options name none (and that is not made inside a handler
    /// with less time left).
    public var defaultTimeout: Duration
    /// The largest accepted response frame body.
    public var maximumFrameSize: Int
    /// The wait before the first reconnection attempt after a failed connect.
    public var initialBackoff: Duration
    /// The longest wait between reconnection attempts.
    public var maximumBackoff: Duration
    /// Plaintext or TLS (its context is built once and shared by every connection).
    public var transportSecurity: TransportSecurity

    /// Defaults: 2 connections, 10 s connect timeout (TCP and the TLS handshake; a refused
    /// connection still fails at once), 30 s call timeout, 4 MiB frames, backoff
    /// from 100 ms doubling up to 5 s, plaintext.
    public init(
        connectionsPerPeer: Int = 2,
        connectTimeout: Duration = .seconds(10),
        defaultTimeout: Duration = .seconds(30),
        maximumFrameSize: Int = 4 * 1024 * 1024,
        initialBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(5),
        transportSecurity: TransportSecurity = .plaintext
    ) {
        self.connectionsPerPeer = max(1, connectionsPerPeer)
        self.connectTimeout = connectTimeout
        self.defaultTimeout = defaultTimeout
        self.maximumFrameSize = maximumFrameSize
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.transportSecurity = transportSecurity
    }

    /// The wait before attempt `failures + 1`, with ±20 % jitter.
    func backoff(afterFailures failures: Int) -> Duration {
        let base = Double(initialBackoff.nanoseconds) * pow2(min(failures - 1, 16))
        let capped = min(base, Double(maximumBackoff.nanoseconds))
        return .nanoseconds(Int64(capped * Double.random(in: 0.8...1.2)))
    }

    private func pow2(_ n: Int) -> Double {
        n <= 0 ? 1 : Double(1 << n)
    }
}
