import Foundation

/// One run's numbers, printed as one JSON line (the C ping-pong prints the same shape).
struct BenchResult: Codable, Sendable {
    /// The implementation's name (`Implementation.rawValue`, or `c-pingpong`).
    var impl: String
    /// Payload bytes per message.
    var size: Int
    /// Where server and client ran.
    var topology: String
    /// Untimed calls before the sequential ones.
    var warmupCalls: Int
    /// Timed sequential calls.
    var sequentialCalls: Int
    /// Sequential round-trip median, microseconds.
    var sequentialP50Micros: Double
    /// Sequential round-trip 99th percentile, microseconds.
    var sequentialP99Micros: Double
    /// Seconds per in-flight level.
    var secondsPerLevel: Double
    /// Calls answered per second, by calls in flight (keys are the in-flight counts).
    var throughput: [String: Double]
    /// `getrusage(RUSAGE_SELF).ru_maxrss` at the end: the process's peak resident set, KiB.
    var maxRSSKiB: Int

    /// The JSON names (the C ping-pong prints the same).
    enum CodingKeys: String, CodingKey {
        case impl, size, topology, throughput
        case warmupCalls = "warmup_calls"
        case sequentialCalls = "sequential_calls"
        case sequentialP50Micros = "seq_p50_us"
        case sequentialP99Micros = "seq_p99_us"
        case secondsPerLevel = "seconds_per_level"
        case maxRSSKiB = "max_rss_kib"
    }

    /// The result as one line of JSON with sorted keys.
    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
