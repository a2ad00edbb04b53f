import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Serves `ServiceMetrics` in Prometheus text format over plain HTTP/1.1: `GET /metrics`
/// answers 200 with the exposition, anything else 404 (405 for other methods). Every response
/// closes its connection; a connection idle for 10 s is closed. Meant for the operators'
/// network (it carries counts and latencies per method, never a name, id or token).
///
/// Runs as a companion of the service's RPC server (`ServiceHost`), binds when it starts and
/// stops on graceful shutdown.
public final class MetricsEndpoint: Service, Sendable {
    /// The address asked for (port 0: any free port; see `localPort`).
    public let address: ServiceAddress
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound: EventLoopPromise<Int>

    /// An endpoint that will listen on `address`.
    public init(
        address: ServiceAddress, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.address = address
        self.group = group
        self.logger = logger
        self.bound = group.any().makePromise(of: Int.self)
    }

    /// The port bound, once `run()` has bound; throws the bind error if it failed.
    public var localPort: Int {
        get async throws { try await bound.futureResult.get() }
    }

    /// Binds, serves until graceful shutdown (or cancellation), then closes the listener.
    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(IdleStateHandler(readTimeout: .seconds(10)))
                        try sync.configureHTTPServerPipeline(withErrorHandling: true)
                        try sync.addHandler(MetricsHTTPHandler())
                    }
                }
                .bind(host: address.host, port: address.port).get()
        } catch {
            bound.fail(error)
            throw error
        }
        let port = channel.localAddress?.port ?? address.port
        bound.succeed(port)
        logger.info(
            "metrics endpoint listening",
            metadata: ["url": "http://\(ServiceAddress(host: address.host, port: port))/metrics"])
        try? await gracefulShutdown()
        try? await channel.close()
    }
}
