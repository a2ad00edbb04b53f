import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A TCP server for Tillit's length-prefixed protobuf RPC protocol.
///
/// `run()` binds, serves until graceful shutdown (SIGTERM through a `ServiceGroup`, or
/// `beginGracefulShutdown()`), then stops accepting, sends GOAWAY on every connection, lets the
/// calls in flight finish within the grace period, cancels what is left and returns.
public final class RPCServer: Service, Sendable {
    /// How the server listens and its limits.
    public let configuration: RPCServerConfiguration
    private let shared: ServerConnectionHandler.Shared
    private let group: any EventLoopGroup
    private let bound: EventLoopPromise<SocketAddress>
    private let stopRequested: EventLoopPromise<Void>
    private let registry = ConnectionRegistry()

    /// A server for `services`, wrapping every call in `interceptors` (first is outermost) and
    /// reporting every finished call to `observers`.
    public init(
        configuration: RPCServerConfiguration = RPCServerConfiguration(),
        services: [any RPCService],
        interceptors: [any ServerInterceptor] = [],
        observers: [any CallObserver] = [],
        logger: Logger = Logger(label: "tillit.rpc.server"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.shared = ServerConnectionHandler.Shared(
            router: Router(services: services, interceptors: interceptors),
            configuration: configuration, observers: observers, logger: logger)
        self.group = eventLoopGroup
        self.bound = eventLoopGroup.next().makePromise()
        self.stopRequested = eventLoopGroup.next().makePromise()
    }

    /// The bound address, once `run()` has bound (waits until then).
    public var localAddress: SocketAddress {
        get async throws { try await bound.futureResult.get() }
    }

    /// The bound port, once `run()` has bound (waits until then).
    public var localPort: Int {
        get async throws { try await localAddress.port ?? configuration.port }
    }

    /// The names of the services this server routes to.
    public var serviceNames: Set<String> { shared.router.serviceNames }

    /// Binds and serves until shut down; see the type's documentation.
    public func run() async throws {
        let serverChannel: any Channel
        do {
            serverChannel = try await makeBootstrap().bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            let failure = RPCError(
                code: .unavailable, message: "cannot listen on \(configuration.host):\(configuration.port)",
                cause: error)
            bound.fail(failure)
            throw failure
        }
        let address = serverChannel.localAddress!
        registry.setListener(serverChannel)
        bound.succeed(address)
        shared.logger.info("listening", metadata: ["address": "\(address)"])

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                _ = try? await stopRequested.futureResult.get()
            } onGracefulShutdown: {
                self.beginGracefulShutdown()
            }
        } onCancel: {
            self.beginGracefulShutdown()
        }

        try? await serverChannel.close()
        await drainConnections()
        shared.logger.info("stopped", metadata: ["address": "\(address)"])
    }

    /// Starts graceful shutdown; `run()` returns once the calls in flight are done or the grace
    /// period has passed. Calling it more than once has no further effect.
    public func beginGracefulShutdown() {
        // Stop accepting and say GOAWAY right away, so that no call sent after this returns is
        // started; `run()` then waits for the calls in flight.
        guard let listener = registry.requestStop() else { return }
        listener?.close(promise: nil)
        for connection in registry.beginDraining() {
            connection.channel.eventLoop.execute { connection.handler.value.beginDraining() }
        }
        stopRequested.succeed(())
    }

    private func drainConnections() async {
        // Draining began in `beginGracefulShutdown`; wait for whatever is still open.
        let connections = registry.openConnections()
        let eventLoop = group.next()
        let grace = eventLoop.scheduleTask(in: .nanoseconds(configuration.shutdownGracePeriod.nanoseconds)) {
            for connection in connections {
                connection.channel.eventLoop.execute { connection.handler.value.forceClose() }
            }
        }
        let closed = connections.map { $0.channel.closeFuture }
        try? await EventLoopFuture.andAllComplete(closed, on: eventLoop).get()
        grace.cancel()
    }

    private func makeBootstrap() -> ServerBootstrap {
        let shared = self.shared
        let registry = self.registry
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ServerConnectionHandler(shared: shared)
                    let decoder = ByteToMessageHandler(
                        FrameDecoder(maximumFrameSize: shared.configuration.maximumFrameSize))
                    try channel.pipeline.syncOperations.addHandler(decoder)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    let connection = ConnectionRegistry.Connection(
                        channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    if !registry.register(connection) {
                        // Accepted while shutting down: refuse calls from the start.
                        handler.beginDraining()
                    }
                }
            }
    }
}

/// The server's open connections, so that shutdown can reach each of them.
final class ConnectionRegistry: Sendable {
    struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ServerConnectionHandler>
    }

    private struct State {
        var connections: [ObjectIdentifier: Connection] = [:]
        var listener: (any Channel)?
        var stopRequested = false
        var draining = false
    }

    private let state = Mutex(State())

    /// Adds a connection; false when the server is already draining.
    func register(_ connection: Connection) -> Bool {
        let id = ObjectIdentifier(connection.channel)
        let accepted = state.withLock { state in
            state.connections[id] = connection
            return !state.draining
        }
        connection.channel.closeFuture.whenComplete { _ in
            self.state.withLock { _ = $0.connections.removeValue(forKey: id) }
        }
        return accepted
    }

    /// Remembers the listening channel (closed by `requestStop`).
    func setListener(_ channel: any Channel) {
        state.withLock { $0.listener = channel }
    }

    /// The first time: `.some(listener)` (the listener may not be bound yet); later: nil.
    func requestStop() -> (any Channel)?? {
        state.withLock { state in
            guard !state.stopRequested else { return nil }
            state.stopRequested = true
            return .some(state.listener)
        }
    }

    /// The connections open now.
    func openConnections() -> [Connection] {
        state.withLock { Array($0.connections.values) }
    }

    /// Marks the registry draining and returns the connections open now.
    func beginDraining() -> [Connection] {
        state.withLock { state in
            state.draining = true
            return Array(state.connections.values)
        }
    }
}

/// Runs a server for the duration of `body`, then shuts it down gracefully and waits for it.
/// The server is bound when `body` starts (see `RPCServer.localPort`).
public func withRPCServer<T>(
    configuration: RPCServerConfiguration = RPCServerConfiguration(),
    services: [any RPCService],
    interceptors: [any ServerInterceptor] = [],
    observers: [any CallObserver] = [],
    logger: Logger = Logger(label: "tillit.rpc.server"),
    _ body: (RPCServer) async throws -> T
) async throws -> T {
    let server = RPCServer(
        configuration: configuration, services: services, interceptors: interceptors, observers: observers,
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        do {
            _ = try await server.localAddress
            let result = try await body(server)
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            server.beginGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}
