import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2

/// grpc-swift-2 with its default configuration: over grpc-swift-nio-transport's HTTP/2
/// (plaintext, loopback, one connection) or over its in-process transport.
enum GRPCContender {
    /// A server on an HTTP/2 Posix transport, called by a client on the same.
    static func runHTTP2(options: BenchOptions) async throws -> BenchResult {
        try await withGRPCServer(
            transport: .http2NIOPosix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
            services: [GRPCEchoService()]
        ) { server in
            guard let port = try await server.transport.listeningAddress.ipv4?.port else {
                throw RPCError(code: .internalError, message: "the server has no IPv4 address")
            }
            return try await withGRPCClient(
                transport: try .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            ) { client in
                try await BenchRun.measure(GRPCEchoCaller(client: client, size: options.size).driver, options: options)
            }
        }
    }

    /// A server and client joined by the in-process transport.
    static func runInProcess(options: BenchOptions) async throws -> BenchResult {
        let transport = InProcessTransport()
        return try await withGRPCServer(transport: transport.server, services: [GRPCEchoService()]) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                try await BenchRun.measure(GRPCEchoCaller(client: client, size: options.size).driver, options: options)
            }
        }
    }
}
