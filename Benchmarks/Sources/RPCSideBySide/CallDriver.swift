/// An `EchoDriver` for RPC clients with an async unary call (Tillit, grpc-swift-2): calls in
/// flight are tasks, each starting its next call when its last one is answered.
struct CallDriver: EchoDriver {
    /// One echo call; throws when the answer is wrong.
    let call: @Sendable () async throws -> Void

    /// Makes `calls` calls one after another; returns each round trip in nanoseconds.
    func sequential(calls: Int) async throws -> [UInt64] {
        let clock = ContinuousClock()
        var latencies = [UInt64]()
        latencies.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = clock.now
            try await call()
            latencies.append((clock.now - start).wholeNanoseconds)
        }
        return latencies
    }

    /// Runs `inFlight` tasks calling until `seconds` have passed; returns answers per second.
    func throughput(inFlight: Int, seconds: Double) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        let call = self.call
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var count = 0
                    while clock.now < end {
                        try await call()
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(answered) / (clock.now - start).fractionalSeconds
    }
}

extension Duration {
    /// Whole nanoseconds (non-negative durations).
    var wholeNanoseconds: UInt64 {
        UInt64(components.seconds) * 1_000_000_000 + UInt64(components.attoseconds / 1_000_000_000)
    }

    /// Seconds as a floating-point number.
    var fractionalSeconds: Double {
        Double(wholeNanoseconds) / 1e9
    }
}
