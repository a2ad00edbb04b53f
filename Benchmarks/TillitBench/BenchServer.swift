import ArgumentParser
import Foundation
import Logging
import TillitRPC

/// `tillit-bench serve`: an Echo server in its own process, for the RPC benchmark to call and
/// measure. Prints `PORT <n>` once listening; stops on end of standard input.
struct BenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the benchmark's Echo server (used by `rpc`); prints PORT <n>.")

    @Option(help: "Port to listen on (0 = any free port).")
    var port = 0

    @Flag(help: "Run handlers on the connection's event loop.")
    var handlersOnEventLoop = false

    func run() async throws {
        var logger = Logger(label: "tillit.bench.server")
        logger.logLevel = .warning
        let server = RPCServer(
            configuration: RPCServerConfiguration(
                host: "127.0.0.1", port: port, handlersOnEventLoop: handlersOnEventLoop),
            services: [BenchEchoService()], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localPort
            FileHandle.standardOutput.write(Data("PORT \(port)\n".utf8))
            // The parent closes our standard input to stop us.
            await Task.detached { _ = FileHandle.standardInput.readDataToEndOfFile() }.value
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
