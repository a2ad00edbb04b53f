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

    init(maximumFrameSize: Int, reportsPartialFrames: Bool = false) {
        self.maximumFrameSize = maximumFrameSize
        self.reportsPartialFrames = reportsPartialFrames
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return needMoreData(context: context, buffer: buffer)
        }
        guard UInt64(length) <= UInt64(maximumFrameSize) else {
            throw FrameError(kind: .tooLarge(length: UInt64(length), limit: maximumFrameSize))
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return needMoreData(context: context, buffer: buffer)
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readSlice(length: Int(length))!
        if partialFrame {
            partialFrame = false
            context.fireUserInboundEventTriggered(Event.frameCompleted)
        }
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
    }

    private mutating func needMoreData(context: ChannelHandlerContext, buffer: ByteBuffer) -> DecodingState {
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
        return .needMoreData
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
        }
    }
}
