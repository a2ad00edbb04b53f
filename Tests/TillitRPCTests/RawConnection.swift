import Foundation
import NIOCore
import NIOPosix
import Synchronization

@testable import TillitRPC

/// A byte-level client for protocol tests: writes arbitrary bytes and collects the frames the
/// server sends back.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        let frames = Mutex<[Tillit_Rpc_V1_Frame]>([])
        let closed = Atomic<Bool>(false)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let body = unwrapInboundIn(data)
            if let frame = try? FrameCodec.decode(body) {
                frames.withLock { $0.append(frame) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.store(true, ordering: .releasing)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    let channel: any Channel
    private let collector: Collector
    private let consumed = Mutex(0)

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// Connects to the server on loopback; `source` binds the local end to that address first
    /// (e.g. `127.0.0.2`, to appear as another source).
    static func connect(port: Int, from source: String? = nil) async throws -> RawConnection {
        let collector = Collector()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0))
        }
        let channel = try await bootstrap
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maximumFrameSize: 64 * 1024 * 1024)))
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// Writes raw bytes.
    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Writes a frame with its length prefix.
    func send(_ frame: Tillit_Rpc_V1_Frame) async throws {
        try await channel.writeAndFlush(FrameCodec.encode(frame))
    }

    /// The bytes of a frame with its length prefix.
    static func bytes(of frame: Tillit_Rpc_V1_Frame) -> [UInt8] {
        var buffer = FrameCodec.encode(frame)
        return buffer.readBytes(length: buffer.readableBytes)!
    }

    /// The next frame not yet returned, or nil if none arrives within `timeout`.
    func next(timeout: Duration = .seconds(30)) async -> Tillit_Rpc_V1_Frame? {
        let end = ContinuousClock.now + timeout
        while true {
            let frame: Tillit_Rpc_V1_Frame? = consumed.withLock { consumed in
                let frames = collector.frames.withLock { $0 }
                guard frames.count > consumed else { return nil }
                consumed += 1
                return frames[consumed - 1]
            }
            if let frame { return frame }
            if ContinuousClock.now >= end { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Whether the server closed the connection within `timeout`.
    func waitForClose(timeout: Duration = .seconds(30)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if collector.closed.load(ordering: .acquiring) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return collector.closed.load(ordering: .acquiring)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// A REQUEST frame.
    static func request(
        callID: UInt64, method: MethodDescriptor = EchoService.echo, payload: Data, timeoutMicros: UInt64 = 0,
        metadata: [(String, String)] = []
    ) -> Tillit_Rpc_V1_Frame {
        var frame = Tillit_Rpc_V1_Frame()
        frame.callID = callID
        frame.kind = .request
        frame.method = method.path
        frame.payload = payload
        frame.timeoutMicros = timeoutMicros
        frame.metadata = Metadata(metadata).wireEntries
        return frame
    }
}
