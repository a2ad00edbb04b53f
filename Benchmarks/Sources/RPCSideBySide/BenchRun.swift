#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The measurement every contender goes through: warm-up, sequential latency, throughput at
/// each in-flight level, then the process's peak resident set.
enum BenchRun {
    /// Where the servers and clients of this executable run.
    static let topology = "one process: server and client share it and its NIO event loops"

    /// Measures `driver` as `options` say.
    static func measure(_ driver: some EchoDriver, options: BenchOptions) async throws -> BenchResult {
        _ = try await driver.sequential(calls: options.warmupCalls)
        let latencies = try await driver.sequential(calls: options.sequentialCalls).sorted()
        var throughput: [String: Double] = [:]
        for inFlight in options.concurrency {
            throughput[String(inFlight)] = try await driver.throughput(
                inFlight: inFlight, seconds: options.seconds)
        }
        return BenchResult(
            impl: options.implementation.rawValue, size: options.size, topology: topology,
            warmupCalls: options.warmupCalls, sequentialCalls: options.sequentialCalls,
            sequentialP50Micros: percentile(latencies, 0.50),
            sequentialP99Micros: percentile(latencies, 0.99),
            secondsPerLevel: options.seconds, throughput: throughput, maxRSSKiB: peakRSSKiB())
    }

    /// The nearest-rank percentile `p` of sorted nanoseconds, in microseconds.
    static func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * p).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1000
    }

    /// `ru_maxrss` of this process, KiB (Linux's unit).
    static func peakRSSKiB() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        _ = getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        #else
        _ = getrusage(RUSAGE_SELF, &usage)
        #endif
        return Int(usage.ru_maxrss)
    }
}
