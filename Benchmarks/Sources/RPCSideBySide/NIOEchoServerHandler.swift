import NIOCore

/// The bare NIO server: writes every frame back with its length prefix, flushing once per read
/// burst.
final class NIOEchoServerHandler: ChannelInboundHandler {
    /// A frame's body (from `LengthPrefixedFrameDecoder`).
    typealias InboundIn = ByteBuffer
    /// Bytes to write.
    typealias OutboundOut = ByteBuffer

    /// Writes the frame back: its length prefix, then the body (not copied).
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        var header = context.channel.allocator.buffer(capacity: 4)
        header.writeInteger(UInt32(frame.readableBytes))
        context.write(Self.wrapOutboundOut(header), promise: nil)
        context.write(Self.wrapOutboundOut(frame), promise: nil)
    }

    /// Flushes the answers of one read burst together.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
