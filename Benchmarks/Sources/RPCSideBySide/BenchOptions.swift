/// What one run measures: the implementation, the payload size and how long each part lasts.
struct BenchOptions: Sendable {
    /// The implementation to measure.
    var implementation: Implementation
    /// Payload bytes per request (and per response).
    var size: Int
    /// Untimed calls first (connections, caches, allocations).
    var warmupCalls = 2_000
    /// Timed calls one at a time, for the latency percentiles.
    var sequentialCalls = 3_000
    /// Seconds per in-flight level.
    var seconds = 2.0
    /// The numbers of calls kept in flight for the throughput measurements.
    var concurrency = [1, 32, 128]

    /// A command-line error.
    struct UsageError: Error, CustomStringConvertible {
        /// What was wrong.
        let description: String
    }

    /// Parses `--impl NAME --size BYTES [--warmup N] [--sequential N] [--seconds S]
    /// [--concurrency 1,32,128]`.
    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else {
                throw UsageError(description: "expected --option value, got \(name)")
            }
            values[String(name.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        let names = Implementation.allCases.map(\.rawValue).joined(separator: "|")
        guard let impl = values.removeValue(forKey: "impl").flatMap(Implementation.init(rawValue:)) else {
            throw UsageError(description: "--impl \(names) is required")
        }
        guard let size = values.removeValue(forKey: "size").flatMap(Int.init), size >= 0 else {
            throw UsageError(description: "--size BYTES is required")
        }
        var options = BenchOptions(implementation: impl, size: size)
        if let value = values.removeValue(forKey: "warmup") { options.warmupCalls = try integer(value) }
        if let value = values.removeValue(forKey: "sequential") {
            options.sequentialCalls = try integer(value)
        }
        if let value = values.removeValue(forKey: "seconds") {
            guard let seconds = Double(value), seconds > 0 else {
                throw UsageError(description: "--seconds takes a positive number")
            }
            options.seconds = seconds
        }
        if let value = values.removeValue(forKey: "concurrency") {
            options.concurrency = try value.split(separator: ",").map { try integer(String($0)) }
        }
        if let unknown = values.keys.first { throw UsageError(description: "unknown option --\(unknown)") }
        return options
    }

    /// A positive integer option value.
    private static func integer(_ text: String) throws -> Int {
        guard let value = Int(text), value > 0 else {
            throw UsageError(description: "\(text) is not a positive integer")
        }
        return value
    }
}
