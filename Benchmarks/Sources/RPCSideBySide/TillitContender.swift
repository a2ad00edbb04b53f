import Foundation
import Logging
import TillitContracts
import TillitRPC

/// Tillit's `RPCServer` as the services run it (handlers on the event loop, default limits),
/// called by an `RPCClient` with its default configuration (two connections).
enum TillitContender {
    /// Runs the server and client in this process, over TLS 1.3 or plaintext; handlers on the
    /// event loop (the default) or the cooperative pool.
    static func run(tls: Bool, handlersOnEventLoop: Bool = true, options: BenchOptions) async throws
        -> BenchResult
    {
        let pki = tls ? try BenchPKI() : nil
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let configuration = RPCServerConfiguration(
            handlersOnEventLoop: handlersOnEventLoop, transportSecurity: try pki?.server() ?? .plaintext)
        return try await withRPCServer(
            configuration: configuration, services: [TillitEchoService()], logger: logger
        ) { server in
            let rpc = RPCClient(
                host: "127.0.0.1", port: try await server.localPort,
                configuration: RPCClientConfiguration(transportSecurity: try pki?.client() ?? .plaintext),
                logger: logger)
            defer { rpc.close() }
            let client = Tillit_Testing_V1_Echo.Client(rpc)
            var request = Tillit_Testing_V1_EchoRequest()
            request.data = Data(repeating: 0xA5, count: options.size)
            let echoRequest = request
            let driver = CallDriver {
                let response = try await client.echo(echoRequest)
                guard response.data.count == echoRequest.data.count else {
                    throw EchoMismatch(expected: echoRequest.data.count, received: response.data.count)
                }
            }
            return try await BenchRun.measure(driver, options: options)
        }
    }
}
