import ArgumentParser
import Foundation
import Logging
import NIOPosix
import TillitContracts
import TillitRPC

/// `tillit-bench rpc`: latency and throughput of a small unary call over loopback.
struct RPCBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Sequential p50/p99 latency and throughput at 1, 32 and 128 calls in flight.",
        discussion: """
            Starts an Echo server (in a child process unless --in-process), calls it with a small \
            request and reports latency percentiles, throughput and the server's resident memory \
            when idle and after load. Example: swift run -c release tillit-bench rpc --seconds 5
            """)

    @Option(help: "Sequential calls to time (after warm-up).")
    var sequentialCalls = 20_000

    @Option(help: "Pings to time (round trips without a handler), after the sequential calls.")
    var pingCount = 5_000

    @Option(help: "Seconds per concurrency level.")
    var seconds = 5.0

    @Option(help: "Concurrency levels (calls in flight).")
    var concurrency: [Int] = [1, 32, 128]

    @Option(help: "Connections in the client's pool.")
    var connections = 2

    @Option(help: "Measure a server that is already running on this port instead of starting one.")
    var serverPort: Int?

    @Flag(help: "Run the server in this process instead of a child process.")
    var inProcess = false

    @Flag(
        help:
            "Start the server's handlers on the cooperative pool (the old default) instead of its event loops."
    )
    var handlersOnPool = false

    @Flag(help: "Run the calling tasks on the client connection's event loop.")
    var clientOnEventLoop = false

    @Flag(help: "Use TLS 1.3 (development PKI in --tls-dir, or a temporary folder).")
    var tls = false

    @Option(help: "The folder of the development PKI for --tls (made if missing).")
    var tlsDir: String?

    /// The PKI folder when --tls is on.
    private func tlsFolder() -> String? {
        guard tls || tlsDir != nil else { return nil }
        return tlsDir
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-bench-tls-\(getpid())").path
    }

    func run() async throws {
        let folder = tlsFolder()
        print("transport:                \(folder == nil ? "plaintext" : "TLS 1.3")")
        if let serverPort {
            try await measure(port: serverPort, serverPID: nil, tlsFolder: folder)
        } else if inProcess {
            try await withRPCServer(
                configuration: RPCServerConfiguration(
                    handlersOnEventLoop: !handlersOnPool,
                    transportSecurity: try folder.map(BenchTLS.server) ?? .plaintext),
                services: [BenchEchoService()],
                logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
            ) { server in
                try await measure(port: try await server.localPort, serverPID: nil, tlsFolder: folder)
            }
        } else {
            var arguments = handlersOnPool ? ["--handlers-on-pool"] : []
            if let folder {
                _ = try BenchTLS.prepare(folder)
                arguments += ["--tls-dir", folder]
            }
            let child = try BenchChild.start(arguments: arguments)
            defer { child.stop() }
            try await measure(port: child.port, serverPID: child.pid, tlsFolder: folder)
        }
    }

    private func measure(port: Int, serverPID: Int32?, tlsFolder: String?) async throws {
        if let serverPID {
            try await Task.sleep(for: .milliseconds(500))
            print(
                "server idle RSS:          \(BenchChild.rssMiB(pid: serverPID).map { String(format: "%.1f MiB", $0) } ?? "?")"
            )
        }
        // With --client-on-event-loop all connections live on one event loop and the calling
        // tasks run there too, so a response resumes its caller without a thread hop.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let rpc = RPCClient(
            host: "127.0.0.1", port: port,
            configuration: RPCClientConfiguration(
                connectionsPerPeer: connections,
                transportSecurity: try tlsFolder.map(BenchTLS.client) ?? .plaintext),
            eventLoopGroup: clientOnEventLoop ? eventLoop : MultiThreadedEventLoopGroup.singleton)
        defer { rpc.close() }
        if clientOnEventLoop {
            try await withTaskExecutorPreference(EventLoopExecutor(eventLoop)) {
                try await measureCalls(rpc: rpc)
            }
        } else {
            try await measureCalls(rpc: rpc)
        }
        if let serverPID {
            print(
                "server RSS after load:    \(BenchChild.rssMiB(pid: serverPID).map { String(format: "%.1f MiB", $0) } ?? "?")"
            )
        }
    }

    private func measureCalls(rpc: RPCClient) async throws {
        let client = Tillit_Testing_V1_Echo.Client(rpc)
        var request = Tillit_Testing_V1_EchoRequest()
        request.text = "hello, tillit"

        // Warm up: connections, allocations, caches.
        for _ in 0..<2_000 { _ = try await client.echo(request) }

        var latencies = [UInt64]()
        latencies.reserveCapacity(sequentialCalls)
        let clock = ContinuousClock()
        let sequentialStart = clock.now
        for _ in 0..<sequentialCalls {
            let start = clock.now
            _ = try await client.echo(request)
            latencies.append(UInt64((clock.now - start).nanoseconds))
        }
        let sequentialElapsed = clock.now - sequentialStart
        let stats = LatencyStats(latencies)
        print(
            "sequential:               p50 \(stats.p50) µs  p99 \(stats.p99) µs  "
                + "(\(sequentialCalls) calls, \(Int(Double(sequentialCalls) / sequentialElapsed.seconds)) calls/s)"
        )

        var pings = [UInt64]()
        for _ in 0..<pingCount { pings.append(UInt64(try await rpc.ping().nanoseconds)) }
        let pingStats = LatencyStats(pings)
        print("ping (no handler):        p50 \(pingStats.p50) µs  p99 \(pingStats.p99) µs")

        let echoRequest = request
        for inFlight in concurrency {
            let result = try await measureInFlight(inFlight, seconds: seconds) {
                _ = try await client.echo(echoRequest)
            }
            print(
                "\(String(inFlight).padding(toLength: 4, withPad: " ", startingAt: 0)) in flight:             "
                    + "\(Int(result.throughput)) calls/s  p50 \(result.stats.p50) µs  p99 \(result.stats.p99) µs"
            )
        }
    }
}

/// Keeps `inFlight` calls running for `seconds` (each task starts its next call as soon as its
/// last one is answered); returns calls per second and the latency percentiles.
func measureInFlight(
    _ inFlight: Int, seconds: Double, _ call: @escaping @Sendable () async throws -> Void
) async throws -> (throughput: Double, stats: LatencyStats) {
    let clock = ContinuousClock()
    let end = clock.now + .milliseconds(Int(seconds * 1000))
    let start = clock.now
    let all = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<inFlight {
            group.addTask {
                var latencies = [UInt64]()
                while clock.now < end {
                    let callStart = clock.now
                    try await call()
                    latencies.append(UInt64((clock.now - callStart).nanoseconds))
                }
                return latencies
            }
        }
        var all = [UInt64]()
        for try await part in group { all += part }
        return all
    }
    let elapsed = clock.now - start
    return (Double(all.count) / elapsed.seconds, LatencyStats(all))
}

/// Percentiles of a set of latencies, in microseconds.
struct LatencyStats {
    let p50: String
    let p99: String

    init(_ nanoseconds: [UInt64]) {
        let sorted = nanoseconds.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            let index = min(sorted.count - 1, Int(Double(sorted.count) * p))
            return String(format: "%.1f", Double(sorted[index]) / 1000)
        }
        p50 = percentile(0.50)
        p99 = percentile(0.99)
    }
}

extension Duration {
    /// Whole nanoseconds.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// Fractional seconds.
    var seconds: Double {
        Double(nanoseconds) / 1e9
    }
}
