import Foundation
import Logging
import NIOCore

/// Serves the calls of one connection. Lives on the connection's event loop; handlers run as
/// tasks on the cooperative pool and hop back here to write their response.
///
/// Every timer (call deadlines, the idle timeout, the shutdown grace period, the linger after
/// GOAWAY) is scheduled on the connection's own event loop and reads time from it
/// (`EventLoop.now`), so tests drive them with `EmbeddedEventLoop.advanceTime(by:)`.
///
/// Backpressure: while the channel is not writable (the peer does not read what we write and
/// the outbound buffer is above its high-water mark), the handler neither processes frames nor
/// passes `read()` on, so nothing more is read from the peer until it has read what it was sent.
/// What was already read when the channel became unwritable (at most one read cycle) waits, and
/// is processed once the channel is writable again (see `ServerConnectionHandler+Backpressure`).
/// Fairness: a connection processes at most `framesPerTurn` frames per turn; the rest wait (and
/// nothing more is read) until its next turn, which its event loop's `TurnScheduler` gives it
/// only after the loop has been back to its selector, so flooding connections cannot keep the
/// event loop from the other connections it serves.
final class ServerConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection of a server shares.
    struct Shared: Sendable {
        let router: Router
        let configuration: RPCServerConfiguration
        let observers: [any CallObserver]
        let logger: Logger
        let metrics: RPCServerMetrics
    }

    private struct Call {
        let serial: UInt64
        let path: String
        let requestID: String
        let traceID: String
        let started: ContinuousClock.Instant
        let state: CallState
        var task: Task<Void, Never>?
        var timer: Scheduled<Void>?
    }

    let shared: Shared
    private var calls: [UInt64: Call] = [:] {
        didSet {
            // One place sees every call start and end, whichever path ends it.
            if calls.count != countedCalls {
                shared.metrics.callsInFlight.increment(by: Double(calls.count - countedCalls))
                countedCalls = calls.count
            }
        }
    }
    /// `calls.count` as last reported to the in-flight gauge.
    private var countedCalls = 0
    private var nextSerial: UInt64 = 0
    private(set) var context: ChannelHandlerContext?
    private var draining = false
    private var flushPending = false
    /// When a frame was last read or written, by the event loop's clock.
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    private var idleTimer: Scheduled<Void>?
    /// Set by server shutdown (`beginDraining`): the remaining calls are cancelled when the
    /// grace period has passed.
    private var shuttingDown = false
    private var graceTimer: Scheduled<Void>?
    private var peer = "unknown"
    /// The DNS names of the client's verified TLS certificate, read once at the first call.
    private var peerCertificateNames: [String]?
    /// The highest call id received, sent in GOAWAY: calls with higher ids were never seen and
    /// the client may send them again elsewhere.
    private var highestCallID: UInt64 = 0
    /// Set once our sending side is closed (see `closeGracefully`).
    private var outputClosed = false
    private var executor: EventLoopExecutor!
    /// Frames read while the channel was not writable, processed once it is writable again.
    var heldFrames = CircularBuffer<ByteBuffer>()
    /// Whether a `read()` was held back because the channel was not writable.
    var readHeld = false
    /// Set while held frames are being processed (writability may change meanwhile).
    var processingHeldFrames = false
    /// Frames processed in this turn (see `framesPerTurn`).
    var framesThisTurn = 0
    /// Whether the connection is queued in `turns` for its next turn.
    var awaitingTurn = false
    /// Gives this connection its turns once the event loop has served its other connections.
    let turns: TurnScheduler
    /// Closes the connection when a frame takes longer than `frameReadTimeout` to arrive.
    var frameTimer: Scheduled<Void>?

    /// A handler for one connection of a server (`shared`) whose event loop `turns` schedules.
    init(shared: Shared, turns: TurnScheduler) {
        self.shared = shared
        self.turns = turns
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Added once per accepted connection (after any TLS handshake), removed when it closes.
        shared.metrics.connections.increment()
        shared.metrics.connectionsAccepted.increment()
        executor = EventLoopExecutor(context.eventLoop)
        lastActivity = context.eventLoop.now
        if let address = context.channel.remoteAddress {
            peer = "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        }
        scheduleIdleCheck(in: shared.configuration.idleTimeout)
        if shuttingDown { scheduleGracePeriod() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        shared.metrics.connections.decrement()
        idleTimer?.cancel()
        graceTimer?.cancel()
        frameTimer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After our GOAWAY went out with the sending side closed, input is read and dropped.
        guard !outputClosed else { return }
        lastActivity = context.eventLoop.now
        let body = unwrapInboundIn(data)
        guard heldFrames.isEmpty, context.channel.isWritable, framesThisTurn < Self.framesPerTurn else {
            heldFrames.append(body)
            awaitTurnIfOverBudget()
            return
        }
        framesThisTurn += 1
        process(body)
    }

    /// Handles one frame body: limits on its wire bytes first, then decoding, then its kind.
    func process(_ body: ByteBuffer) {
        guard !outputClosed else { return }
        let inspection: FrameInspector.Inspection
        do {
            inspection = try FrameInspector.inspect(body)
        } catch {
            fail(error)
            return
        }
        if let violation = inspection.violation(of: shared.configuration.limits) {
            if inspection.isRequest {
                refuse(inspection, body: body, violation)
            } else {
                fail(FrameError(kind: .limitExceeded(code: violation.code, message: violation.message)))
            }
            return
        }
        let frame: Tillit_Rpc_V1_Frame
        do {
            frame = try FrameCodec.decode(body)
        } catch {
            fail(error)
            return
        }
        switch frame.kind {
        case .request:
            startCall(frame)
        case .cancel:
            cancelCall(frame.callID, reason: frame.status)
        case .ping:
            write(FrameCodec.control(.pong, callID: frame.callID))
        case .goaway:
            // The client sends no new calls; the connection closes once the rest are answered.
            draining = true
            closeIfDrained()
        case .unspecified, .response, .pong, .UNRECOGNIZED:
            // Zero-length frames (all defaults) and kinds a server never receives are ignored,
            // which keeps room for later protocol additions.
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        graceTimer?.cancel()
        frameTimer?.cancel()
        heldFrames.removeAll()
        let orphaned = calls
        calls.removeAll()
        for call in orphaned.values {
            call.timer?.cancel()
            call.task?.cancel()
            if call.state.claim() {
                report(call, error: RPCError(code: .cancelled, message: "connection closed by peer"))
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError {
            fail(frameError)
        } else {
            // An I/O error (reset by peer, …): nothing more can be said on this connection.
            shared.logger.debug("connection error", metadata: ["peer": .string(peer), "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    // MARK: Calls

    private func startCall(_ frame: Tillit_Rpc_V1_Frame) {
        guard let context else { return }
        let callID = frame.callID
        highestCallID = max(highestCallID, callID)
        guard calls[callID] == nil else {
            fail(FrameError(kind: .protocolViolation("call id \(callID) is already in flight")))
            return
        }
        let started = ContinuousClock.now
        let metadata = Metadata(wireEntries: frame.metadata)
        let requestID = metadata[Metadata.Key.requestID].flatMap(RequestID.accepting) ?? RequestID.make()
        let trace = TraceContext(receiving: metadata[Metadata.Key.traceparent])

        if draining {
            reject(
                callID, path: frame.method, requestID: requestID, traceID: trace.traceID, started: started,
                RPCError(code: .unavailable, message: "server is shutting down; retry on a new connection"))
            return
        }
        if calls.count >= shared.configuration.maximumConcurrentCallsPerConnection {
            let limit = shared.configuration.maximumConcurrentCallsPerConnection
            reject(
                callID, path: frame.method, requestID: requestID, traceID: trace.traceID, started: started,
                RPCError(
                    code: .resourceExhausted, message: "more than \(limit) calls in flight on one connection")
            )
            return
        }
        guard let route = shared.router.route(frame.method) else {
            // The path is the caller's: shown truncated, in the answer and in the logs.
            let path = FrameInspector.preview(frame.method)
            reject(
                callID, path: path, requestID: requestID, traceID: trace.traceID, started: started,
                RPCError(code: .unimplemented, message: "unknown method \(path)"))
            return
        }

        var timeout = shared.configuration.maximumTimeout
        if frame.timeoutMicros > 0 {
            timeout = min(timeout, .microseconds(Int64(clamping: frame.timeoutMicros)))
        }
        let deadline = started + timeout
        let peerNames =
            peerCertificateNames
            ?? shared.configuration.transportSecurity.verifiedPeerNames(on: context.pipeline)
        peerCertificateNames = peerNames
        let serverContext = ServerContext(
            method: route.descriptor, metadata: metadata, requestID: requestID,
            deadline: deadline, peer: peer, peerCertificateNames: peerNames, trace: trace,
            logger: shared.logger)

        let serial = nextSerial
        nextSerial &+= 1
        let state = CallState()
        let call = Call(
            serial: serial, path: route.descriptor.path, requestID: requestID, traceID: trace.traceID,
            started: started, state: state)
        calls[callID] = call

        let eventLoop = context.eventLoop
        calls[callID]?.timer = eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(timeout.nanoseconds))
        {
            self.expire(callID: callID, serial: serial)
        }
        let execution = Execution(
            callID: callID, serial: serial, payload: frame.payload, handler: route.handler,
            context: serverContext,
            started: started, state: state, observers: shared.observers, eventLoop: eventLoop,
            connection: NIOLoopBound(self, eventLoop: eventLoop),
            maximumFrameSize: shared.configuration.maximumFrameSize)
        let task: Task<Void, Never>
        if shared.configuration.handlersOnEventLoop {
            // Runs right here until the handler first suspends; a handler that never suspends
            // answers before this returns, without any job being scheduled.
            task = Task.immediate(executorPreference: executor) { await execution.run() }
        } else {
            task = Task { await execution.run() }
        }
        // The call may already be answered (and gone from the table).
        if calls[callID]?.serial == serial {
            calls[callID]?.task = task
        }
    }

    /// Everything a handler task needs, so that it captures nothing of the handler itself.
    private struct Execution: Sendable {
        let callID: UInt64
        let serial: UInt64
        let payload: Data
        let handler: RPCMethod.Handler
        let context: ServerContext
        let started: ContinuousClock.Instant
        let state: CallState
        let observers: [any CallObserver]
        let eventLoop: any EventLoop
        let connection: NIOLoopBound<ServerConnectionHandler>
        let maximumFrameSize: Int

        /// Runs the handler, then (if the call is still unanswered) hands the response to the
        /// connection and reports the call.
        func run() async {
            var responseMetadata = Metadata()
            responseMetadata[Metadata.Key.requestID] = context.requestID
            let outcome = await outcome()
            guard state.claim() else { return }
            let frame: Tillit_Rpc_V1_Frame
            var failure: RPCError?
            switch outcome {
            case .success(let body):
                frame = FrameCodec.response(callID: callID, payload: body, metadata: responseMetadata)
            case .failure(let error):
                failure = error
                frame = FrameCodec.response(callID: callID, error: error, metadata: responseMetadata)
            }
            var buffer = FrameCodec.encode(frame)
            if buffer.readableBytes - 4 > maximumFrameSize {
                // The peer would refuse the frame and drop the connection: answer with a status.
                let error = RPCError(
                    code: .resourceExhausted,
                    message:
                        "response of \(buffer.readableBytes - 4) bytes exceeds the frame limit of \(maximumFrameSize)"
                )
                failure = error
                buffer = FrameCodec.encode(
                    FrameCodec.response(callID: callID, error: error, metadata: responseMetadata))
            }
            let (connection, callID, serial, response) = (self.connection, self.callID, self.serial, buffer)
            if eventLoop.inEventLoop {
                connection.value.finish(callID: callID, serial: serial, buffer: response)
            } else {
                eventLoop.execute {
                    connection.value.finish(callID: callID, serial: serial, buffer: response)
                }
            }
            ServerConnectionHandler.report(
                observers,
                CallSummary(
                    path: context.method.path, code: failure?.code ?? .ok, message: failure?.message ?? "",
                    duration: ContinuousClock.now - started, requestID: context.requestID,
                    traceID: context.trace.traceID, peer: context.peer, cause: failure?.cause))
        }

        private func outcome() async -> Result<Data, RPCError> {
            do {
                let context = self.context
                let body = try await ServerContext.$current.withValue(context) {
                    try await handler(payload, context)
                }
                return .success(body)
            } catch {
                var rpcError = RPCError.boundary(error)
                if rpcError.code == .cancelled, let deadline = context.deadline,
                    ContinuousClock.now >= deadline
                {
                    rpcError = RPCError(code: .deadlineExceeded, message: "deadline exceeded", cause: error)
                }
                return .failure(rpcError)
            }
        }
    }

    /// Answers a request that exceeds a limit, from its wire bytes alone (it is never decoded).
    private func refuse(_ inspection: FrameInspector.Inspection, body: ByteBuffer, _ error: RPCError) {
        let callID = inspection.callID
        highestCallID = max(highestCallID, callID)
        guard calls[callID] == nil else {
            fail(FrameError(kind: .protocolViolation("call id \(callID) is already in flight")))
            return
        }
        let path = FrameInspector.methodPreview(of: inspection, in: body)
        let started = ContinuousClock.now
        if draining {
            reject(
                callID, path: path, requestID: RequestID.make(), traceID: "", started: started,
                RPCError(code: .unavailable, message: "server is shutting down; retry on a new connection"))
            return
        }
        reject(callID, path: path, requestID: RequestID.make(), traceID: "", started: started, error)
    }

    /// Answers a call without running a handler.
    private func reject(
        _ callID: UInt64, path: String, requestID: String, traceID: String, started: ContinuousClock.Instant,
        _ error: RPCError
    ) {
        var metadata = Metadata()
        metadata[Metadata.Key.requestID] = requestID
        write(FrameCodec.response(callID: callID, error: error, metadata: metadata))
        Self.report(
            shared.observers,
            CallSummary(
                path: path, code: error.code, message: error.message, duration: ContinuousClock.now - started,
                requestID: requestID, traceID: traceID, peer: peer, cause: nil))
    }

    /// The handler's response is ready: write it, if the call is still the one that started it.
    private func finish(callID: UInt64, serial: UInt64, buffer: ByteBuffer) {
        guard let call = calls[callID], call.serial == serial else { return }
        calls.removeValue(forKey: callID)
        call.timer?.cancel()
        write(buffer)
        closeIfDrained()
    }

    /// The deadline passed: answer DEADLINE_EXCEEDED and cancel the handler.
    private func expire(callID: UInt64, serial: UInt64) {
        // If the handler already claimed the call, its response is on the way: let it through.
        guard let call = calls[callID], call.serial == serial, call.state.claim() else { return }
        calls.removeValue(forKey: callID)
        call.task?.cancel()
        let error = RPCError(code: .deadlineExceeded, message: "deadline exceeded")
        var metadata = Metadata()
        metadata[Metadata.Key.requestID] = call.requestID
        write(FrameCodec.response(callID: callID, error: error, metadata: metadata))
        report(call, error: error)
        closeIfDrained()
    }

    /// The client cancelled: cancel the handler; no response is sent.
    private func cancelCall(_ callID: UInt64, reason: Tillit_Rpc_V1_Status) {
        // If the handler already claimed the call, its response is on the way; the client drops it.
        guard let call = calls[callID], call.state.claim() else { return }
        calls.removeValue(forKey: callID)
        call.timer?.cancel()
        call.task?.cancel()
        // The client says why it gave up (CANCELLED, or DEADLINE_EXCEEDED by its own clock).
        let code =
            StatusCode(wireValue: reason.code) == .deadlineExceeded ? StatusCode.deadlineExceeded : .cancelled
        report(
            call,
            error: RPCError(
                code: code, message: "\(code == .cancelled ? "cancelled" : "deadline exceeded") (client)"))
        closeIfDrained()
    }

    private func report(_ call: Call, error: RPCError) {
        Self.report(
            shared.observers,
            CallSummary(
                path: call.path, code: error.code, message: error.message,
                duration: ContinuousClock.now - call.started,
                requestID: call.requestID, traceID: call.traceID, peer: peer, cause: error.cause))
    }

    fileprivate static func report(_ observers: [any CallObserver], _ summary: CallSummary) {
        for observer in observers { observer.callFinished(summary) }
    }

    // MARK: Connection lifecycle

    /// Graceful shutdown: send GOAWAY, refuse new calls, close once the calls in flight are done;
    /// once the server's grace period has passed, cancel what is left (`forceClose`).
    func beginDraining() {
        if !shuttingDown {
            shuttingDown = true
            scheduleGracePeriod()
        }
        guard !draining else { return }
        draining = true
        // A connection accepted this very moment says GOAWAY once it is active.
        guard context?.channel.isActive == true else { return }
        sayGoAwayAndCloseIfDrained()
    }

    func channelActive(context: ChannelHandlerContext) {
        if draining { sayGoAwayAndCloseIfDrained() }
        context.fireChannelActive()
    }

    private func sayGoAwayAndCloseIfDrained() {
        write(
            FrameCodec.control(
                .goaway, callID: highestCallID,
                status: RPCError(code: .unavailable, message: "server is shutting down")))
        closeIfDrained()
    }

    private func scheduleGracePeriod() {
        guard let context, graceTimer == nil else { return }
        let grace = TimeAmount.nanoseconds(shared.configuration.shutdownGracePeriod.nanoseconds)
        graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: grace) {
            self.forceClose()
        }
    }

    /// The grace period is over: answer the remaining calls UNAVAILABLE, cancel them, close.
    func forceClose() {
        graceTimer?.cancel()
        let remaining = calls
        calls.removeAll()
        for (callID, call) in remaining {
            call.timer?.cancel()
            call.task?.cancel()
            if call.state.claim() {
                let error = RPCError(code: .unavailable, message: "server shut down before the call finished")
                write(FrameCodec.response(callID: callID, error: error))
                report(call, error: error)
            }
        }
        context?.flush()
        context?.close(promise: nil)
    }

    private func closeIfDrained() {
        guard draining, calls.isEmpty else { return }
        closeGracefully()
    }

    /// Sends what is written, then closes only the sending side: a request the client sent
    /// before it read our GOAWAY is then read and dropped instead of making the kernel reset the
    /// connection (a reset would discard the GOAWAY before the client reads it, and the client
    /// could not tell that its call was never seen). The client closes when it has read the
    /// GOAWAY; a linger timer closes the connection if it does not.
    private func closeGracefully() {
        guard let context, !outputClosed else { return }
        outputClosed = true
        context.flush()
        let channel = context.channel
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { _ in channel.close(promise: nil) }
        context.close(mode: .output, promise: promise)
        context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
    }

    /// A framing error: say why in a GOAWAY, then close. Other connections are unaffected.
    func fail(_ error: FrameError) {
        guard let context, context.channel.isActive else { return }
        shared.metrics.frameError(error)
        shared.logger.notice(
            "closing connection", metadata: ["peer": .string(peer), "reason": .string(error.status.message)])
        draining = true
        write(FrameCodec.control(.goaway, callID: highestCallID, status: error.status))
        closeGracefully()
    }

    private func scheduleIdleCheck(in delay: Duration) {
        guard let context else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanoseconds)) {
            self.checkIdle()
        }
    }

    private func checkIdle() {
        guard let context else { return }
        let idleTimeout = TimeAmount.nanoseconds(shared.configuration.idleTimeout.nanoseconds)
        let idleSince = context.eventLoop.now - lastActivity
        if calls.isEmpty, idleSince >= idleTimeout {
            draining = true
            write(
                FrameCodec.control(
                    .goaway, callID: highestCallID, status: RPCError(code: .ok, message: "idle timeout")))
            closeIfDrained()
        } else {
            let wait = calls.isEmpty ? idleTimeout - idleSince : idleTimeout
            scheduleIdleCheck(in: .nanoseconds(wait.nanoseconds))
        }
    }

    // MARK: Writing

    private func write(_ frame: Tillit_Rpc_V1_Frame) {
        write(FrameCodec.encode(frame))
    }

    /// Writes a frame; flushes once per event-loop turn however many frames were written (and at
    /// once when the channel becomes unwritable, see `channelWritabilityChanged`).
    private func write(_ buffer: ByteBuffer) {
        guard let context else { return }
        lastActivity = context.eventLoop.now
        context.write(wrapOutboundOut(buffer), promise: nil)
        guard !flushPending else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute {
            self.flushPending = false
            self.context?.flush()
        }
    }
}
