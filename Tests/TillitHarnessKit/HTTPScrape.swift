import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A minimal HTTP/1.1 GET over a real TCP connection, for scraping a service's metrics endpoint
/// the way Prometheus does.
public enum HTTPScrape {
    /// What the server answered.
    public struct Response: Sendable {
        /// The status code, e.g. 200.
        public var status: Int
        /// The headers, names lower-cased.
        public var headers: [String: String]
        /// The body as text.
        public var body: String
    }

    /// A scrape that did not get a well-formed answer.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Sends `method path` to `host:port` with `Connection: close` and reads the answer to the end.
    public static func get(
        host: String = "127.0.0.1", port: Int, path: String = "/metrics", method: String = "GET"
    ) async throws -> Response {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(30))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: host, port: port).get()
        let request = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n"
        try await channel.writeAndFlush(channel.allocator.buffer(string: request))
        try await channel.closeFuture.get()
        var buffer = collector.collected.withLock { $0 }
        let text = buffer.readString(length: buffer.readableBytes) ?? ""
        guard let split = text.range(of: "\r\n\r\n") else {
            throw Failure(description: "no complete response head in \(text.prefix(200).debugDescription)")
        }
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(headLines[0].debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...])
                .trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let collected = Mutex(ByteBuffer())
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            collected.withLock { _ = $0.writeBuffer(&chunk) }
        }
    }
}
