import NIOCore
import NIOEmbedded
@testable import TillitRPC

/// Feeds arbitrary bytes to the server's frame decoder, as a peer would send them, in chunks
/// whose sizes come from the input too. Every outcome but a crash is fine: frames, a framing
/// error, or waiting for more bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let channel = EmbeddedChannel()
    try! channel.pipeline.syncOperations.addHandler(
        ByteToMessageHandler(FrameDecoder(maximumFrameSize: 64 * 1024)))
    try! channel.pipeline.syncOperations.addHandler(FrameSink())
    // The first byte picks the chunk size, so that split and coalesced reads are both covered.
    let chunk = max(1, Int(bytes.first ?? 1) % 17)
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
        } catch {
            break  // A framing error closes the connection; nothing more is read.
        }
        offset = end
    }
    _ = try? channel.finish()
    return 0
}

/// Decodes each frame body as `tillit.rpc.v1.Frame` and turns it back into bytes.
private final class FrameSink: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let frame = try? FrameCodec.decode(unwrapInboundIn(data)) else { return }
        let encoded = FrameCodec.encode(frame)
        precondition(encoded.readableBytes >= 4, "an encoded frame has its length prefix")
    }
}
