import NIOCore

/// Splits a byte stream into frames of a 4-byte big-endian length followed by that many bytes;
/// passes on each frame's body.
struct LengthPrefixedFrameDecoder: ByteToMessageDecoder {
    /// A frame's body.
    typealias InboundOut = ByteBuffer

    /// Passes on the next complete frame, or waits for more bytes.
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            buffer.readableBytes >= 4 + Int(length)
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }

    /// At the end of the stream: passes on what complete frames remain.
    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
