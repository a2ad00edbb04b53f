import TillitRPC

/// Why hashing or verifying a password failed.
public struct PasswordHasherError: Error, RPCErrorConvertible, Sendable, CustomStringConvertible {
    /// What went wrong, for programmatic handling.
    public enum Code: Sendable {
        /// Too many hashes are running or waiting; the caller should retry shortly.
        case overloaded
        /// The scrypt parameters, algorithm or salt cannot be used.
        case invalidParameters
        /// The derivation itself failed, or the hasher has been shut down.
        case hashingFailed
    }

    /// What went wrong, for programmatic handling.
    public var code: Code
    /// A human-readable explanation, for logs; never contains the password.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message alone.
    public var description: String {
        message
    }

    /// `RESOURCE_EXHAUSTED` when overloaded, `INTERNAL` (with a generic message) otherwise.
    public var rpcError: RPCError {
        switch code {
        case .overloaded:
            RPCError(
                code: .resourceExhausted, message: "too many logins at once; try again shortly", cause: self)
        case .invalidParameters, .hashingFailed:
            RPCError(code: .internalError, message: "internal error", cause: self)
        }
    }
}
