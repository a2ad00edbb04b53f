import NIOCore

/// An `EchoDriver` over one connection of the bare NIO echo: pipelines frames with
/// `PipelinedEchoClientHandler` (no tasks per call; everything on the channel's event loop).
struct NIOEchoDriver: EchoDriver {
    /// The client's connection to the NIO echo server.
    let channel: any Channel

    /// One frame at a time, `calls` times; returns each round trip in nanoseconds.
    func sequential(calls: Int) async throws -> [UInt64] {
        try await perform(inFlight: 1, stop: .afterCalls(calls), recordsLatencies: true).latencies
    }

    /// `inFlight` frames pipelined for `seconds`; returns answers per second.
    func throughput(inFlight: Int, seconds: Double) async throws -> Double {
        let end = NIODeadline.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let outcome = try await perform(inFlight: inFlight, stop: .atUptime(end), recordsLatencies: false)
        return Double(outcome.answered) / (Double(outcome.elapsedNanoseconds) / 1e9)
    }

    /// Starts a `PipelineRun` on the channel's event loop and waits for its outcome.
    private func perform(
        inFlight: Int, stop: PipelineRun.Stop, recordsLatencies: Bool
    ) async throws -> PipelineRun.Outcome {
        let promise = channel.eventLoop.makePromise(of: PipelineRun.Outcome.self)
        channel.pipeline.fireUserInboundEventTriggered(
            PipelineRun(inFlight: inFlight, stop: stop, recordsLatencies: recordsLatencies, promise: promise))
        return try await promise.futureResult.get()
    }
}
