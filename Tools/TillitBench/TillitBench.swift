import ArgumentParser

/// `tillit-bench`: measures Tillit's building blocks. Run in release mode:
/// `swift run -c release tillit-bench rpc`.
@main
struct TillitBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tillit-bench",
        abstract: "Benchmarks of Tillit's building blocks (build with -c release).",
        subcommands: [
            RPCBenchmark.self, TokenBenchmark.self, IdentityBenchmark.self, BookingBenchmark.self,
            NotesBenchmark.self,
            SupervisionBenchmark.self,
            HostileBenchmark.self,
            BenchServer.self,
        ]
    )
}
