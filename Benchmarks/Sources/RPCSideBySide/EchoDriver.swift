/// A contender's client, connected to its running server and ready to call.
protocol EchoDriver: Sendable {
    /// Makes `calls` calls one after another; returns each round trip in nanoseconds.
    func sequential(calls: Int) async throws -> [UInt64]

    /// Keeps `inFlight` calls outstanding for `seconds`; returns the calls answered per second.
    func throughput(inFlight: Int, seconds: Double) async throws -> Double
}
