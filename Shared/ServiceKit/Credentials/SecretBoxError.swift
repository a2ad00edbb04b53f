import TillitRPC

/// Why `SecretBox` could not be built, seal or open.
public struct SecretBoxError: Error, RPCErrorConvertible, Sendable, CustomStringConvertible {
    /// What went wrong, for programmatic handling.
    public enum Code: Sendable {
        /// No key for the requested (or current) version.
        case unknownKeyVersion
        /// A key is not 256 bits.
        case invalidKey
        /// Encryption failed.
        case cannotSeal
        /// The ciphertext is malformed, tampered with, or for another key or context.
        case cannotOpen
    }

    /// What went wrong, for programmatic handling.
    public var code: Code
    /// A human-readable explanation, for logs; never contains key or secret bytes.
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

    /// `INTERNAL` with a generic message: the caller cannot fix any of these.
    public var rpcError: RPCError {
        RPCError(code: .internalError, message: "internal error", cause: self)
    }
}
