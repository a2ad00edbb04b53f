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
///
/// If the address cannot be bound, `run()` throws a `ListenError` (and so do `localAddress` and
/// `localPort`). A server shut down before `run()` never binds: `run()` returns at once. Nothing
/// the server waits on is left incomplete on any path, so dropping a server that never ran is
/// fine.
public final class RPCServer: Service, Sendable {
    /// How the server listens and its limits.
    public let configuration: RPCServerConfiguration
    private let shared: ServerConnectionHandler.Shared
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let registry = ConnectionRegistry()
    private let limiter: ConnectionLimiter
    private let partialFrames: PartialFrameBudget
    /// One `TurnScheduler` per event loop, started by `run()` before it binds.
    private let turns = TurnSchedulers()

    /// Where the server is in its life, and who waits for what.
    private struct State {
        enum Binding {
            /// Not bound yet; these tasks wait for the address.
            case pending([UInt64: CheckedContinuation<SocketAddress, any Error>])
            case bound(SocketAddress)
            /// Bind failed (`ListenError`), or the server was shut down before it bound.
            case failed(any Error)
        }

        var binding = Binding.pending([:])
        var nextWaiter: UInt64 = 0
        var runStarted = false
        var stopRequested = false
        /// `run()` waiting for shutdown to be requested.
        var stopWaiter: CheckedContinuation<Void, Never>?

        /// Settles the binding; returns the waiters to resume (outside the lock).
        mutating func settle(_ result: Result<SocketAddress, any Error>)
            -> [CheckedContinuation<SocketAddress, any Error>]
        {
            guard case .pending(let waiters) = binding else { return [] }
            switch result {
            case .success(let address): binding = .bound(address)
            case .failure(let error): binding = .failed(error)
            }
            return Array(waiters.values)
        }
    }

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
            configuration: configuration, observers: observers, logger: logger, metrics: RPCServerMetrics())
        self.group = eventLoopGroup
        self.limiter = ConnectionLimiter(limits: configuration.limits, logger: logger)
        self.partialFrames = PartialFrameBudget(limit: configuration.limits.maximumPartialFrameBytes)
    }

    /// The bound address, once `run()` has bound (waits until then). Throws the `ListenError`
    /// if binding failed, and `UNAVAILABLE` if the server was shut down before it bound.
    public var localAddress: SocketAddress {
        get async throws {
            let id = state.withLock { state in
                state.nextWaiter += 1
                return state.nextWaiter
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let ready: Result<SocketAddress, any Error>? = state.withLock { state in
                        switch state.binding {
                        case .bound(let address):
                            return .success(address)
                        case .failed(let error):
                            return .failure(error)
                        case .pending(var waiters):
                            if Task.isCancelled { return .failure(CancellationError()) }
                            waiters[id] = continuation
                            state.binding = .pending(waiters)
                            return nil
                        }
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } onCancel: {
                let waiter: CheckedContinuation<SocketAddress, any Error>? = state.withLock { state in
                    guard case .pending(var waiters) = state.binding,
                        let waiter = waiters.removeValue(forKey: id)
                    else { return nil }
                    state.binding = .pending(waiters)
                    return waiter
                }
                waiter?.resume(throwing: CancellationError())
            }
        }
    }

    /// The bound port, once `run()` has bound (waits until then; throws like `localAddress`).
    public var localPort: Int {
        get async throws { try await localAddress.port ?? configuration.port }
    }

    /// The connections counted against `RPCServerLimits` now (for tests).
    var admittedConnections: Int { limiter.openConnections }

    /// The bytes of incomplete frames charged against `RPCServerLimits.maximumPartialFrameBytes`
    /// now (for tests).
    var partialFrameBytes: Int { partialFrames.bytesInUse }

    /// The names of the services this server routes to.
    public var serviceNames: Set<String> { shared.router.serviceNames }

    /// Binds and serves until shut down; see the type's documentation. Throws `ListenError` when
    /// the address cannot be bound.
    public func run() async throws {
        enum Start {
            case bind
            case alreadyStopped([CheckedContinuation<SocketAddress, any Error>])
            case alreadyRunning
        }
        let start: Start = state.withLock { state in
            guard !state.runStarted else { return .alreadyRunning }
            state.runStarted = true
            guard !state.stopRequested else {
                return .alreadyStopped(state.settle(.failure(Self.stoppedBeforeBinding)))
            }
            return .bind
        }
        switch start {
        case .alreadyRunning:
            throw RPCError(code: .failedPrecondition, message: "RPCServer.run() was called more than once")
        case .alreadyStopped(let waiters):
            for waiter in waiters { waiter.resume(throwing: Self.stoppedBeforeBinding) }
            return
        case .bind:
            break
        }

        await turns.start(on: group, logger: shared.logger)
        let serverChannel: any Channel
        do {
            serverChannel = try await makeBootstrap().bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            await turns.shutDown()
            let failure = ListenError(host: configuration.host, port: configuration.port, cause: error)
            for waiter in state.withLock({ $0.settle(.failure(failure)) }) {
                waiter.resume(throwing: failure)
            }
            throw failure
        }
        let address = serverChannel.localAddress!
        registry.setListener(serverChannel)
        for waiter in state.withLock({ $0.settle(.success(address)) }) {
            waiter.resume(returning: address)
        }
        shared.logger.info("listening", metadata: ["address": "\(address)"])

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let stopped = state.withLock { state in
                        if state.stopRequested { return true }
                        state.stopWaiter = continuation
                        return false
                    }
                    if stopped { continuation.resume() }
                }
            } onGracefulShutdown: {
                self.beginGracefulShutdown()
            }
        } onCancel: {
            self.beginGracefulShutdown()
        }

        try? await serverChannel.close()
        await drainConnections()
        await turns.shutDown()
        shared.logger.info("stopped", metadata: ["address": "\(address)"])
    }

    /// What `localAddress` waiters get when the server is shut down before it bound.
    private static let stoppedBeforeBinding = RPCError(
        code: .unavailable, message: "the server was shut down before it started listening")

    /// Starts graceful shutdown; `run()` returns once the calls in flight are done or the grace
    /// period has passed. Before `run()`, it makes `run()` return at once without binding.
    /// Calling it more than once has no further effect.
    public func beginGracefulShutdown() {
        // Stop accepting and say GOAWAY right away, so that no call sent after this returns is
        // started; `run()` then waits for the calls in flight.
        guard let listener = registry.requestStop() else { return }
        listener?.close(promise: nil)
        for connection in registry.beginDraining() {
            connection.channel.eventLoop.execute { connection.handler.value.beginDraining() }
        }
        let (stopWaiter, unbound) = state.withLock { state in
            state.stopRequested = true
            defer { state.stopWaiter = nil }
            // Not running: nobody will bind, so address waiters learn it now.
            let unbound = state.runStarted ? [] : state.settle(.failure(Self.stoppedBeforeBinding))
            return (state.stopWaiter, unbound)
        }
        stopWaiter?.resume()
        for waiter in unbound { waiter.resume(throwing: Self.stoppedBeforeBinding) }
    }

    private func drainConnections() async {
        // Draining began in `beginGracefulShutdown`; each connection force-closes itself once
        // the grace period has passed (a timer on its own event loop). Wait for them to close.
        let connections = registry.openConnections()
        let eventLoop = group.next()
        let closed = connections.map { $0.channel.closeFuture }
        try? await EventLoopFuture.andAllComplete(closed, on: eventLoop).get()
    }

    /// Socket reads per read cycle of a connection (each at most 64 KiB, NIO's adaptive buffer):
    /// what one connection may read in one pass of the selector. It bounds the frames a
    /// connection holds and the work of splitting one read cycle into frames (up to 8,192 pings
    /// in 64 KiB), which the frame budget per turn does not count: with 4 reads a cycle, a debug
    /// build flooded with pings by 8 connections of one loop kept a good client up to 1.9 s
    /// (FairnessTests); with 1, under 0.5 s.
    static let maximumMessagesPerRead: UInt = 1

    private func makeBootstrap() -> ServerBootstrap {
        let shared = self.shared
        let registry = self.registry
        let limiter = self.limiter
        let partialFrames = self.partialFrames
        let turns = self.turns
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: Self.maximumMessagesPerRead)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Connection caps first: over one, the socket is closed before any handler.
                    try limiter.admit(channel)
                    let handler = ServerConnectionHandler(
                        shared: shared, turns: turns.scheduler(for: channel.eventLoop))
                    let decoder = ByteToMessageHandler(
                        FrameDecoder(
                            maximumFrameSize: shared.configuration.maximumFrameSize,
                            reportsPartialFrames: true, partialFrameBudget: partialFrames))
                    // TLS, when configured, is the first handler: everything after it sees
                    // plaintext frames (the context is shared, built once per server).
                    if let tls = shared.configuration.transportSecurity.makeServerHandler() {
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
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
