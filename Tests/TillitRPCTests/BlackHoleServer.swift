import NIOCore
import NIOPosix
import Synchronization

@testable import TillitRPC

/// A peer that accepts connections and reads frames but never answers, until the test closes
/// its connections (a server that hangs, then goes away).
final class BlackHoleServer: Sendable {
    private final class Sink: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        let frames = Atomic<Int>(0)
        let connections = Mutex<[any Channel]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            frames.wrappingAdd(1, ordering: .relaxed)
        }
    }

    private let listener: any Channel
    private let sink: Sink

    private init(listener: any Channel, sink: Sink) {
        self.listener = listener
        self.sink = sink
    }

    /// The port it listens on (it binds port 0).
    var port: Int { listener.localAddress!.port! }

    /// Frames received so far, on all connections.
    var framesReceived: Int { sink.frames.load(ordering: .relaxed) }

    /// Listens on an ephemeral loopback port.
    static func start() async throws -> BlackHoleServer {
        let sink = Sink()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                sink.connections.withLock { $0.append(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maximumFrameSize: 1024 * 1024)))
                    try channel.pipeline.syncOperations.addHandler(sink)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BlackHoleServer(listener: listener, sink: sink)
    }

    /// Waits until `count` frames have arrived; false if they did not within `timeout`.
    func waitForFrames(_ count: Int, timeout: Duration = .seconds(30)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while framesReceived < count, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return framesReceived >= count
    }

    /// Closes every accepted connection without answering (the listener stays).
    func dropConnections() async {
        let connections = sink.connections.withLock { $0 }
        for connection in connections { try? await connection.close() }
    }

    /// Closes the listener and every connection.
    func stop() async {
        await dropConnections()
        try? await listener.close()
    }
}
