import Foundation
import Logging
import NIOCore
import NIOPosix
import SwiftProtobuf
import Synchronization

/// A client for one peer (a host and port): keeps a small pool of multiplexed connections,
/// reconnects with backoff, and fails calls with `UNAVAILABLE` while the peer is gone.
///
/// Calls made while handling a call inherit its remaining deadline, request id and trace
/// context (see `ServerContext.current`).
public final class RPCClient: Sendable {
    /// The peer's host.
    public let host: String
    /// The peer's port.
    public let port: Int
    /// The pool and timeout settings.
    public let configuration: RPCClientConfiguration
    private let group: any EventLoopGroup
    private let slots: [ConnectionSlot]
    private let nextSlot = Atomic<Int>(0)
    private let logger: Logger

    /// A client of `host:port`; connections are made on first use.
    public init(
        host: String,
        port: Int,
        configuration: RPCClientConfiguration = RPCClientConfiguration(),
        logger: Logger = Logger(label: "tillit.rpc.client"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.slots = (0..<configuration.connectionsPerPeer).map { _ in ConnectionSlot() }
    }

    /// Makes a unary call with protobuf messages.
    public func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: MethodDescriptor,
        request: Request,
        response: Response.Type = Response.self,
        options: CallOptions = CallOptions()
    ) async throws -> Response {
        let payload: Data = try request.serializedBytes()
        let answer = try await call(method, payload: payload, options: options)
        do {
            return try Response(serializedBytes: answer.payload)
        } catch {
            throw RPCError(
                code: .internalError, message: "could not decode response as \(Response.protoMessageName)",
                cause: error)
        }
    }

    /// Makes a unary call with a serialized request; returns the serialized response and the
    /// response metadata (which carries `x-request-id`).
    public func call(
        _ method: MethodDescriptor,
        payload: Data,
        options: CallOptions = CallOptions()
    ) async throws -> (payload: Data, metadata: Metadata) {
        if Task.isCancelled {
            throw RPCError(code: .cancelled, message: "call cancelled by the caller")
        }
        var metadata = options.metadata
        var timeout = options.timeout ?? configuration.defaultTimeout
        if let current = ServerContext.current {
            if let remaining = current.remaining { timeout = min(timeout, remaining) }
            if metadata[Metadata.Key.requestID] == nil {
                metadata[Metadata.Key.requestID] = current.requestID
            }
            if metadata[Metadata.Key.traceparent] == nil {
                metadata[Metadata.Key.traceparent] = current.trace.headerForChildren
            }
        }
        guard timeout > .zero else {
            throw RPCError(code: .deadlineExceeded, message: "deadline exceeded before calling \(method)")
        }

        var frame = Tillit_Rpc_V1_Frame()
        frame.kind = .request
        frame.method = method.path
        frame.metadata = metadata.wireEntries
        frame.timeoutMicros = UInt64(max(1, timeout.nanoseconds / 1000))
        frame.payload = payload

        // A call refused by a connection that was just told GOAWAY never left this process: it
        // is sent once more on another connection.
        var attempts = 0
        let response: Tillit_Rpc_V1_Frame
        while true {
            let connection = try await connection()
            frame.callID = connection.makeCallID()
            let buffer = FrameCodec.encode(frame)
            guard buffer.readableBytes - 4 <= configuration.maximumFrameSize else {
                throw RPCError(
                    code: .resourceExhausted,
                    message:
                        "request of \(buffer.readableBytes - 4) bytes exceeds the frame limit of \(configuration.maximumFrameSize)"
                )
            }
            do {
                response = try await connection.exchange(
                    callID: frame.callID, frame: buffer, timeout: timeout)
                break
            } catch let notSent as NotSent {
                attempts += 1
                // Never processed, so safe to send again. Every pooled connection may be closing
                // at once (they go idle together), so allow one attempt per slot plus a new one.
                guard attempts <= slots.count + 1 else { throw notSent.rpcError }
                // The connection is closing; its GOAWAY or close may not have reached the pool
                // yet. Retire it now so that the retry gets another connection.
                for slot in slots { slot.connectionGoingAway(connection.channel) }
            }
        }
        let status = response.status
        guard status.code == StatusCode.ok.rawValue else {
            throw RPCError(wireStatus: status)
        }
        return (response.payload, Metadata(wireEntries: response.metadata))
    }

    /// Sends a PING and waits for the PONG; returns the round-trip time.
    public func ping(timeout: Duration = .seconds(5)) async throws -> Duration {
        let connection = try await connection()
        let callID = connection.makeCallID()
        let started = ContinuousClock.now
        let buffer = FrameCodec.encode(FrameCodec.control(.ping, callID: callID))
        do {
            _ = try await connection.exchange(callID: callID, frame: buffer, timeout: timeout)
        } catch let notSent as NotSent {
            throw notSent.rpcError
        }
        return ContinuousClock.now - started
    }

    /// Closes every connection; calls in flight fail with UNAVAILABLE, later calls with
    /// UNAVAILABLE too.
    public func close() {
        for slot in slots {
            slot.close()?.close()
        }
    }

    // MARK: Pool

    private func connection() async throws -> ClientConnection {
        let turn = UInt(bitPattern: nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue)
        let preferred = slots[Int(turn % UInt(slots.count))]
        let now = NIODeadline.now()
        var connectOn: (any EventLoop)?
        let acquisition = preferred.acquire(now: now) {
            let eventLoop = group.next()
            connectOn = eventLoop
            return eventLoop.makePromise()
        }
        switch acquisition {
        case .ready(let connection):
            return connection
        case .connect(let promise):
            connect(preferred, on: connectOn!, completing: promise)
            if let other = anyReady() { return other }
            return try await waitFor(promise.futureResult)
        case .connecting(let future):
            if let other = anyReady() { return other }
            return try await waitFor(future)
        case .backingOff(let retryAt, let failures):
            if let other = anyReady() { return other }
            let wait = (retryAt - now).nanoseconds / 1_000_000
            throw RPCError(
                code: .unavailable,
                message:
                    "\(host):\(port) is unreachable (\(failures) failed attempts); retrying in \(wait) ms")
        case .closed:
            throw RPCError(code: .unavailable, message: "client of \(host):\(port) is closed")
        }
    }

    private func anyReady() -> ClientConnection? {
        for slot in slots {
            if case .ready(let connection) = slot.peek() { return connection }
        }
        return nil
    }

    private func waitFor(_ future: EventLoopFuture<ClientConnection>) async throws -> ClientConnection {
        do {
            return try await future.get()
        } catch let error as RPCError {
            throw error
        } catch {
            // The reason (refused, timed out, a TLS failure) is the client's own: it says what to fix.
            throw RPCError(
                code: .unavailable, message: "cannot connect to \(host):\(port) (\(error))", cause: error)
        }
    }

    /// Connects the slot (which `acquire` moved to connecting) and completes `promise`.
    private func connect(
        _ slot: ConnectionSlot, on eventLoop: any EventLoop,
        completing promise: EventLoopPromise<ClientConnection>
    ) {
        let peer = "\(host):\(port)"
        let maximumFrameSize = configuration.maximumFrameSize
        let security = configuration.transportSecurity
        let host = self.host
        let future = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientConnectionHandler(peer: peer) { [weak slot] in
                        slot?.connectionGoingAway(channel)
                    }
                    if let tls = try security.makeClientHandler(host: host) {
                        try channel.pipeline.syncOperations.addHandler(tls)
                        try channel.pipeline.syncOperations.addHandler(
                            TLSHandshakeWaiter(expectedName: security.serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maximumFrameSize: maximumFrameSize)))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port)
            .flatMap { channel in
                // A TLS connection is ready once its handshake is done: a refused certificate
                // fails the connect (and backs off) instead of the first call.
                TLSHandshakeWaiter.handshakeDone(on: channel)
            }
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return ClientConnection(
                    channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
        let configuration = self.configuration
        let logger = self.logger
        future.whenComplete { result in
            switch result {
            case .success(let connection):
                if !slot.connected(connection) { connection.close() }
            case .failure(let error):
                let failures = slot.connectFailed { failures in
                    NIODeadline.now()
                        + .nanoseconds(configuration.backoff(afterFailures: failures).nanoseconds)
                }
                logger.debug(
                    "connect failed",
                    metadata: ["peer": .string(peer), "failures": "\(failures)", "error": "\(error)"])
            }
        }
        future.cascade(to: promise)
    }
}

/// One connection of the pool and its state.
final class ConnectionSlot: Sendable {
    enum State {
        case idle(failures: Int, retryAt: NIODeadline?)
        case connecting(EventLoopFuture<ClientConnection>, failures: Int)
        case ready(ClientConnection)
        case closed
    }

    enum Acquisition {
        case ready(ClientConnection)
        case connect(EventLoopPromise<ClientConnection>)
        case connecting(EventLoopFuture<ClientConnection>)
        case backingOff(retryAt: NIODeadline, failures: Int)
        case closed
    }

    private let state = Mutex(State.idle(failures: 0, retryAt: nil))

    /// What a caller should do with this slot now; `.connect` means the caller must connect it
    /// and complete the promise (the slot is marked connecting, with that promise's future, so
    /// concurrent callers wait for the same attempt).
    func acquire(now: NIODeadline, makePromise: () -> EventLoopPromise<ClientConnection>) -> Acquisition {
        state.withLock { state in
            switch state {
            case .ready(let connection):
                return .ready(connection)
            case .connecting(let future, _):
                return .connecting(future)
            case .idle(let failures, let retryAt):
                if let retryAt, retryAt > now {
                    return .backingOff(retryAt: retryAt, failures: failures)
                }
                let promise = makePromise()
                state = .connecting(promise.futureResult, failures: failures)
                return .connect(promise)
            case .closed:
                return .closed
            }
        }
    }

    /// The state without changing it.
    func peek() -> State {
        state.withLock { $0 }
    }

    /// False when the slot was closed meanwhile (the caller closes the connection).
    func connected(_ connection: ClientConnection) -> Bool {
        state.withLock { state in
            if case .closed = state { return false }
            state = .ready(connection)
            return true
        }
    }

    /// Records a failed attempt; returns the number of consecutive failures.
    func connectFailed(retryAt: (Int) -> NIODeadline) -> Int {
        state.withLock { state in
            guard case .connecting(_, let failures) = state else { return 0 }
            state = .idle(failures: failures + 1, retryAt: retryAt(failures + 1))
            return failures + 1
        }
    }

    /// The server sent GOAWAY or the connection closed: new calls go to a new connection.
    func connectionGoingAway(_ channel: any Channel) {
        state.withLock { state in
            if case .ready(let connection) = state, connection.channel === channel {
                state = .idle(failures: 0, retryAt: nil)
            }
        }
    }

    /// Closes the slot; returns its connection, if any, for the caller to close.
    func close() -> ClientConnection? {
        state.withLock { state in
            defer { state = .closed }
            if case .ready(let connection) = state { return connection }
            return nil
        }
    }
}

/// Runs `body` with a client of `host:port` and closes it afterwards.
public func withRPCClient<T>(
    host: String,
    port: Int,
    configuration: RPCClientConfiguration = RPCClientConfiguration(),
    _ body: (RPCClient) async throws -> T
) async throws -> T {
    let client = RPCClient(host: host, port: port, configuration: configuration)
    defer { client.close() }
    return try await body(client)
}
