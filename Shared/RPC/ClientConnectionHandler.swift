import NIOCore

/// A call refused before any byte of it was written, because the connection was closing; safe
/// to send again on another connection.
struct NotSent: Error, RPCErrorConvertible {
    let peer: String

    /// What the caller sees when even the second attempt was refused.
    var rpcError: RPCError {
        RPCError(code: .unavailable, message: "connection to \(peer) is closing")
    }
}

/// The client end of one connection: matches responses to pending calls by call id, enforces
/// each call's deadline, and fails everything pending with UNAVAILABLE when the connection goes.
/// Every call's promise is completed exactly once: by its response, its deadline (a timer on the
/// connection's event loop), the caller cancelling, or the connection closing.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let promise: EventLoopPromise<Tillit_Rpc_V1_Frame>
        var timer: Scheduled<Void>?
    }

    private let peer: String
    private let onGoAway: @Sendable () -> Void
    private var pending: [UInt64: Pending] = [:]
    private var context: ChannelHandlerContext?
    private var goingAway = false
    /// Why the server said GOAWAY, if it did, for the calls still pending when it closes.
    private var goAwayReason: String?
    /// The highest call id the server had received when it said GOAWAY; later calls were never
    /// seen by it and are safe to send again.
    private var lastCallSeenByServer: UInt64?
    private var flushPending = false

    /// A handler for a connection to `peer`; `onGoAway` runs when the server asks the client to
    /// stop making new calls on this connection.
    init(peer: String, onGoAway: @escaping @Sendable () -> Void) {
        self.peer = peer
        self.onGoAway = onGoAway
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // Normally `channelInactive` already answered every call; if the handler is removed from
        // a channel that stays open, its calls must not wait forever either.
        failPending { _ in RPCError(code: .unavailable, message: "connection to \(self.peer) was torn down") }
    }

    /// Fails every pending call with the error `reason` gives for its call id.
    private func failPending(_ reason: (UInt64) -> any Error) {
        let lost = pending
        pending.removeAll()
        for (callID, call) in lost {
            call.timer?.cancel()
            call.promise.fail(reason(callID))
        }
    }

    /// Sends an encoded request (or ping) and completes `promise` with the answer.
    func start(
        callID: UInt64, frame buffer: ByteBuffer, timeout: Duration?,
        promise: EventLoopPromise<Tillit_Rpc_V1_Frame>
    ) {
        guard let context, context.channel.isActive, !goingAway else {
            promise.fail(NotSent(peer: peer))
            return
        }
        var call = Pending(promise: promise)
        if let timeout {
            call.timer = context.eventLoop.assumeIsolated().scheduleTask(
                in: .nanoseconds(timeout.nanoseconds)
            ) {
                self.expire(callID)
            }
        }
        pending[callID] = call
        context.write(wrapOutboundOut(buffer), promise: nil)
        scheduleFlush()
    }

    /// The caller gave up: fail the call with CANCELLED and tell the server.
    func cancel(callID: UInt64) {
        guard let call = pending.removeValue(forKey: callID) else { return }
        call.timer?.cancel()
        let error = RPCError(code: .cancelled, message: "call cancelled by the caller")
        call.promise.fail(error)
        sendCancel(callID, reason: error)
    }

    private func expire(_ callID: UInt64) {
        guard let call = pending.removeValue(forKey: callID) else { return }
        let error = RPCError(code: .deadlineExceeded, message: "deadline exceeded waiting for \(peer)")
        call.promise.fail(error)
        sendCancel(callID, reason: error)
    }

    /// Tells the server to stop working on a call; the status says why (for its logs).
    private func sendCancel(_ callID: UInt64, reason: RPCError) {
        guard let context, context.channel.isActive else { return }
        let frame = FrameCodec.control(.cancel, callID: callID, status: reason)
        context.write(wrapOutboundOut(FrameCodec.encode(frame)), promise: nil)
        scheduleFlush()
        closeIfDone()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame: Tillit_Rpc_V1_Frame
        do {
            frame = try FrameCodec.decode(unwrapInboundIn(data))
        } catch {
            context.close(promise: nil)
            return
        }
        switch frame.kind {
        case .response, .pong:
            guard let call = pending.removeValue(forKey: frame.callID) else { return }
            call.timer?.cancel()
            if let last = lastCallSeenByServer, frame.callID > last,
                frame.status.code == StatusCode.unavailable.rawValue
            {
                // Refused because it crossed the GOAWAY: never processed, send it elsewhere.
                call.promise.fail(NotSent(peer: peer))
            } else {
                call.promise.succeed(frame)
            }
            closeIfDone()
        case .goaway:
            lastCallSeenByServer = min(lastCallSeenByServer ?? .max, frame.callID)
            if frame.status.code != 0 || !frame.status.message.isEmpty {
                goAwayReason = frame.status.message
            }
            if !goingAway {
                goingAway = true
                onGoAway()
            }
            closeIfDone()
        case .ping:
            context.write(
                wrapOutboundOut(FrameCodec.encode(FrameCodec.control(.pong, callID: frame.callID))),
                promise: nil)
            scheduleFlush()
        case .request, .cancel, .unspecified, .UNRECOGNIZED:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let reason =
            goAwayReason.map { "connection closed by \(peer): \($0)" } ?? "connection to \(peer) lost"
        failPending { callID -> any Error in
            if let last = self.lastCallSeenByServer, callID > last {
                // The server closed without ever reading this call: safe to send elsewhere.
                return NotSent(peer: self.peer)
            }
            return RPCError(code: .unavailable, message: reason)
        }
        if !goingAway {
            goingAway = true
            onGoAway()
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func closeIfDone() {
        guard goingAway, pending.isEmpty, let context else { return }
        context.flush()
        context.close(promise: nil)
    }

    private func scheduleFlush() {
        guard !flushPending, let context else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute {
            self.flushPending = false
            self.context?.flush()
        }
    }
}
