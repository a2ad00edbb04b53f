import NIOCore
import NIOPosix

/// A bare SwiftNIO echo of length-prefixed frames: no framework, no protobuf, one connection,
/// on the same event-loop group the others use (`MultiThreadedEventLoopGroup.singleton`).
enum NIOEchoContender {
    /// Runs the server and client in this process.
    static func run(options: BenchOptions) async throws -> BenchResult {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LengthPrefixedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(NIOEchoServerHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let size = options.size
        let client = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LengthPrefixedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(PipelinedEchoClientHandler(size: size))
                }
            }
            .connect(host: "127.0.0.1", port: server.localAddress?.port ?? 0).get()
        do {
            let result = try await BenchRun.measure(NIOEchoDriver(channel: client), options: options)
            try await client.close()
            try await server.close()
            return result
        } catch {
            try? await client.close()
            try? await server.close()
            throw error
        }
    }
}
