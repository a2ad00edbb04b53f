import TillitRPC

/// An error of a Tillit service: a wire status, a message safe to show the caller (no SQL,
/// secrets or internals) and, for local logs only, the cause. Handlers and stores throw these;
/// the RPC boundary turns them into the call's status.
public struct ServiceError: Error, RPCErrorConvertible, Sendable, CustomStringConvertible {
    /// The status the caller receives.
    public var code: StatusCode
    /// A message for the caller.
    public var message: String
    /// The underlying error, logged locally and never sent.
    public var cause: (any Error)?

    /// An error with a status and message.
    public init(_ code: StatusCode, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `CODE: message`, and the cause when there is one (for logs).
    public var description: String {
        "\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }

    /// The wire error. INTERNAL and UNKNOWN carry only "internal error" to the caller, whatever
    /// the message says: what failed inside stays in the log (the call's `cause`, this error).
    public var rpcError: RPCError {
        switch code {
        case .internalError, .unknown:
            RPCError(code: code, message: "internal error", cause: self)
        default:
            RPCError(code: code, message: message, cause: cause)
        }
    }
}

extension ServiceError {
    /// INVALID_ARGUMENT naming the field: `field: why`.
    public static func invalid(_ field: String, _ why: String) -> ServiceError {
        ServiceError(.invalidArgument, "\(field): \(why)")
    }

    /// NOT_FOUND for a thing by name (also the answer for another organisation's ids).
    public static func notFound(_ what: String) -> ServiceError {
        ServiceError(.notFound, "\(what) not found")
    }

    /// ALREADY_EXISTS with what collides.
    public static func alreadyExists(_ what: String) -> ServiceError {
        ServiceError(.alreadyExists, what)
    }

    /// PERMISSION_DENIED with a reason.
    public static func denied(_ why: String) -> ServiceError {
        ServiceError(.permissionDenied, why)
    }

    /// FAILED_PRECONDITION: the request is valid but the state does not allow it.
    public static func failedPrecondition(_ why: String) -> ServiceError {
        ServiceError(.failedPrecondition, why)
    }

    /// UNAUTHENTICATED with a reason.
    public static func unauthenticated(_ why: String) -> ServiceError {
        ServiceError(.unauthenticated, why)
    }

    /// ABORTED: a concurrent change got in first; the caller may retry.
    public static func aborted(_ why: String, cause: (any Error)? = nil) -> ServiceError {
        ServiceError(.aborted, why, cause: cause)
    }

    /// UNAVAILABLE: try again later (a dependency or the database is busy or down).
    public static func unavailable(_ why: String, cause: (any Error)? = nil) -> ServiceError {
        ServiceError(.unavailable, why, cause: cause)
    }

    /// INTERNAL with the generic message; the cause stays in the local log.
    public static func internalError(cause: (any Error)? = nil) -> ServiceError {
        ServiceError(.internalError, "internal error", cause: cause)
    }

    /// A valid token whose account has been deactivated since it was issued.
    public static let callerInactive = ServiceError(
        .unauthenticated, "the account of this token is not active")
}
