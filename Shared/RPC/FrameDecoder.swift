import NIOCore

/// Splits a byte stream into frame bodies: a big-endian `uint32` length, then that many bytes.
///
/// The length is checked against the limit as soon as the 4-byte prefix has arrived, before
/// any buffer for the body is reserved, so a peer announcing 4 GiB costs nothing.
///
/// With `reportsPartialFrames`, it tells the next handler when a frame has begun to arrive but is
/// not complete (`Event.frameStarted`) and when that frame is complete (`Event.frameCompleted`),
/// so the server can time how long a frame takes (`RPCServerLimits.frameReadTimeout`). The events
/// fire only on these transitions, never for a frame that arrives in one read.
///
/// With a `partialFrameBudget`, the bytes of an incomplete frame are charged to it as they arrive
/// and released when the frame completes or the decoder is removed (the connection closed);
/// bytes that would take the budget over its limit are refused with
/// `FrameError.Kind.partialFramesOverBudget` (the connection is then closed).
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Sent as user inbound events (with `reportsPartialFrames`).
    enum Event: Sendable, Hashable {
        /// Bytes of a frame have arrived, but not all of them.
        case frameStarted
        /// The frame of the last `frameStarted` is complete.
        case frameCompleted
    }

    /// The largest accepted body, in bytes.
    let maximumFrameSize: Int
    /// Whether to send `Event`s.
    var reportsPartialFrames = false
    /// Whether a `frameStarted` awaits its `frameCompleted`.
    private var partialFrame = false
    /// The server-wide budget for bytes of incomplete frames; nil for none (clients).
    let partialFrameBudget: PartialFrameBudget?
    /// Bytes of the incomplete frame charged to `partialFrameBudget`.
    private var charged = 0

    init(
        maximumFrameSize: Int, reportsPartialFrames: Bool = false,
        partialFrameBudget: PartialFrameBudget? = nil
    ) {
        self.maximumFrameSize = maximumFrameSize
        self.reportsPartialFrames = reportsPartialFrames
        self.partialFrameBudget = partialFrameBudget
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return try needMoreData(context: context, buffer: buffer)
        }
        guard UInt64(length) <= UInt64(maximumFrameSize) else {
            throw FrameError(kind: .tooLarge(length: UInt64(length), limit: maximumFrameSize))
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return try needMoreData(context: context, buffer: buffer)
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readSlice(length: Int(length))!
        releaseCharge()
        if partialFrame {
            partialFrame = false
            context.fireUserInboundEventTriggered(Event.frameCompleted)
        }
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
    }

    private mutating func needMoreData(context: ChannelHandlerContext, buffer: ByteBuffer) throws
        -> DecodingState
    {
        // What is left in the buffer is the incomplete frame (the complete ones were read).
        if let budget = partialFrameBudget, buffer.readableBytes > charged {
            guard budget.charge(buffer.readableBytes - charged) else {
                throw FrameError(kind: .partialFramesOverBudget(limit: budget.limit))
            }
            charged = buffer.readableBytes
        }
        if reportsPartialFrames, !partialFrame, buffer.readableBytes > 0 {
            partialFrame = true
            context.fireUserInboundEventTriggered(Event.frameStarted)
        }
        return .needMoreData
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial frame at EOF is dropped: the peer went away mid-frame.
        buffer.clear()
        releaseCharge()
        return .needMoreData
    }

    mutating func decoderRemoved(context: ChannelHandlerContext) {
        releaseCharge()
    }

    /// The incomplete frame is complete or dropped: its bytes no longer count.
    private mutating func releaseCharge() {
        partialFrameBudget?.release(charged)
        charged = 0
    }
}

/// A connection-level framing error: the stream cannot be trusted any more.
struct FrameError: Error, Hashable {
    enum Kind: Hashable {
        /// The length prefix exceeds the limit.
        case tooLarge(length: UInt64, limit: Int)
        /// The body is not a valid `tillit.rpc.v1.Frame`.
        case malformed
        /// A frame that is valid protobuf but breaks the protocol (e.g. a duplicate call id).
        case protocolViolation(String)
        /// A frame other than a request exceeds an `RPCServerLimits` limit (a request is
        /// answered instead, and the connection stays).
        case limitExceeded(code: StatusCode, message: String)
        /// A frame did not complete within `RPCServerLimits.frameReadTimeout`.
        case readTimeout(Duration)
        /// An incomplete frame's bytes would exceed `RPCServerLimits.maximumPartialFrameBytes`,
        /// the budget shared by all of the server's connections.
        case partialFramesOverBudget(limit: Int)
    }

    let kind: Kind

    /// The status sent with the GOAWAY before closing.
    var status: RPCError {
        switch kind {
        case .tooLarge(let length, let limit):
            RPCError(
                code: .resourceExhausted,
                message: "frame of \(length) bytes exceeds the limit of \(limit) bytes")
        case .malformed:
            RPCError(code: .internalError, message: "malformed frame")
        case .protocolViolation(let what):
            RPCError(code: .internalError, message: "protocol violation: \(what)")
        case .limitExceeded(let code, let message):
            RPCError(code: code, message: message)
        case .readTimeout(let timeout):
            RPCError(code: .deadlineExceeded, message: "frame not completed within \(timeout)")
        case .partialFramesOverBudget(let limit):
            RPCError(
                code: .resourceExhausted,
                message: "incomplete frames exceed the server's budget of \(limit) bytes; retry later")
        }
    }
}
