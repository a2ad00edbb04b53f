import NIOCore

/// Runs Swift tasks on a NIO event loop, so work that never blocks stays on the thread that
/// does the I/O: no hop to the cooperative pool and back. Use it as a task executor preference
/// (`withTaskExecutorPreference`) for callers and handlers that only await, never block.
public final class EventLoopExecutor: TaskExecutor, Sendable {
    /// The event loop jobs run on.
    public let eventLoop: any EventLoop

    /// An executor for `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs the job on the event loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
