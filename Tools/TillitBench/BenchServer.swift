import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TillitContracts
import TillitRPC
import TillitServiceKit

/// `tillit-bench serve`: an Echo server (with Health) in its own process, run in a ServiceGroup
/// that shuts down gracefully on SIGTERM/SIGINT. Prints `PORT <n>` once listening and, like every
/// service, writes the ready file named by `TILLIT_READY_FILE` (bound address and pid). Tests
/// also use it as a stand-in service for the stack launcher.
struct BenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the benchmark's Echo server (used by `rpc`); prints PORT <n>.")

    @Option(help: "Port to listen on (0 = any free port).")
    var port = 0

    @Flag(
        help: "Start handlers on the cooperative pool instead of the connection's event loop (the default).")
    var handlersOnPool = false

    @Flag(help: "Also shut down gracefully when standard input reaches its end.")
    var stopOnStdinEOF = false

    @Flag(help: "Lift the RPCServerLimits (huge caps, 1 h frame timeout), for `hostile` comparisons.")
    var noLimits = false

    /// The limits with `--no-limits`: nothing a benchmark reaches.
    private static let liftedLimits = RPCServerLimits(
        maximumMetadataEntries: .max, maximumMetadataKeyLength: .max, maximumMetadataValueLength: .max,
        maximumMetadataSize: .max, maximumMethodPathLength: .max, frameReadTimeout: .seconds(3600),
        maximumConnections: .max, maximumConnectionsPerSource: .max, maximumPartialFrameBytes: .max)
    @Option(help: "Serve TLS 1.3 with the `bench` certificate of the development PKI in this folder.")
    var tlsDir: String?

    func run() async throws {
        let status = await ServiceExit.run("tillit-bench serve") { try await serve() }
        if status != 0 { throw ExitCode(status) }
    }

    private func serve() async throws {
        var logger = Logger(label: "tillit.bench.server")
        logger.logLevel = .warning
        let server = RPCServer(
            configuration: RPCServerConfiguration(
                host: "127.0.0.1", port: port, handlersOnEventLoop: !handlersOnPool,
                limits: noLimits ? Self.liftedLimits : RPCServerLimits(),
                transportSecurity: try tlsDir.map(BenchTLS.server) ?? .plaintext),
            services: [HealthService(services: [Tillit_Testing_V1_Echo.serviceName]), BenchEchoService()],
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.localPort
            FileHandle.standardOutput.write(Data("PORT \(port)\n".utf8))
            if let path = ProcessInfo.processInfo.environment[ReadyFile.environmentVariable], !path.isEmpty {
                try ReadyFile.write(
                    address: ServiceAddress(host: "127.0.0.1", port: port), pid: getpid(), to: path)
            }
            if stopOnStdinEOF {
                // Not a child task: a blocked read must not keep the process from exiting.
                Task.detached {
                    _ = FileHandle.standardInput.readDataToEndOfFile()
                    await group.triggerGracefulShutdown()
                }
            }
            try await tasks.waitForAll()
        }
    }
}
