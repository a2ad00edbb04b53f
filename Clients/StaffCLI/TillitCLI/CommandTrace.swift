import TillitRPC

/// The W3C trace of this run of `tillit`: every call the command makes carries it, so one
/// command is followed across the services' logs with `grep <trace id>`.
enum CommandTrace {
    /// One trace per process (one command).
    static let current = TraceContext.start()

    /// The `traceparent` value the command's calls send.
    static var header: String { current.headerForChildren }
}
