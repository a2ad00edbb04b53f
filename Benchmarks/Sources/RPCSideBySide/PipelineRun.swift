import NIOCore

/// One measurement for `PipelinedEchoClientHandler`: how many frames in flight, when to stop,
/// whether to keep each round trip, and where to report.
struct PipelineRun: Sendable {
    /// When a run stops sending new frames.
    enum Stop: Sendable {
        /// After this many frames have been sent.
        case afterCalls(Int)
        /// Once this uptime (`NIODeadline.uptimeNanoseconds`) has passed.
        case atUptime(UInt64)
    }

    /// What a finished run reports.
    struct Outcome: Sendable {
        /// Frames answered.
        var answered: Int
        /// Nanoseconds from the first send to the last answer.
        var elapsedNanoseconds: UInt64
        /// Each round trip, in nanoseconds, when asked for.
        var latencies: [UInt64]
    }

    /// Frames kept outstanding.
    var inFlight: Int
    /// When to stop.
    var stop: Stop
    /// Whether to keep every round trip.
    var recordsLatencies: Bool
    /// Completed when the last outstanding frame is answered.
    var promise: EventLoopPromise<Outcome>
}
