/// Per-call options of a client call.
public struct CallOptions: Sendable {
    /// Metadata sent with the request. `x-request-id` and `traceparent` are filled in from the
    /// call being handled, if any, when absent here (`traceparent` names the handled call's span
    /// as parent, with its trace id).
    public var metadata: Metadata
    /// How long the caller waits. Inside a handler the effective timeout is the smaller of this
    /// and the time left of the call being handled. `nil` means the client's default.
    public var timeout: Duration?

    /// Options with the given metadata and timeout.
    public init(metadata: Metadata = Metadata(), timeout: Duration? = nil) {
        self.metadata = metadata
        self.timeout = timeout
    }
}
