/// Why a `TransportSecurity` could not be built.
public struct TransportSecurityError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// An error with `message` and an optional `cause`.
    public init(message: String, cause: (any Error)? = nil) {
        self.message = message
        self.cause = cause
    }

    /// The message, with the cause when there is one.
    public var description: String {
        cause.map { "\(message): \($0)" } ?? message
    }
}
