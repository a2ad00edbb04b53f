import TillitRPC

/// Why a password was refused by `PasswordPolicy`; the message is meant for the user.
public struct PasswordPolicyError: Error, RPCErrorConvertible, Sendable, CustomStringConvertible {
    /// Which rule the password broke.
    public enum Code: Sendable {
        /// Fewer than `PasswordPolicy.minimumLength` characters.
        case tooShort
        /// More than `PasswordPolicy.maximumBytes` UTF-8 bytes.
        case tooLong
    }

    /// Which rule the password broke.
    public var code: Code
    /// What to tell the user, e.g. "password must be at least 12 characters".
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

    /// `INVALID_ARGUMENT` with `message`.
    public var rpcError: RPCError {
        RPCError(code: .invalidArgument, message: message, cause: self)
    }
}
