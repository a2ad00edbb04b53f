import NIOCore

/// Splits a byte stream into frame bodies: a big-endian `uint32` length, then that many bytes.
///
/// The length is checked against the limit as soon as the 4-byte prefix has arrived, before
/// any buffer for the body is reserved, so a peer announcing 4 GiB costs nothing.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// The largest accepted body, in bytes.
    let maximumFrameSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return .needMoreData
        }
        guard UInt64(length) <= UInt64(maximumFrameSize) else {
            throw FrameError(kind: .tooLarge(length: UInt64(length), limit: maximumFrameSize))
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
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
        }
    }
}
