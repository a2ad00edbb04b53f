import TillitRPC

/// An error of the Identity service: a code the boundary maps to a wire status, a message safe
/// to show the caller (no SQL, secrets or internals) and, for local logs only, the cause.
public struct IdentityError: Error, RPCErrorConvertible, Sendable, CustomStringConvertible {
    /// What went wrong, in terms of the API.
    public enum Code: String, Sendable {
        /// The request is malformed or a field is out of range.
        case invalidArgument
        /// No such record in the caller's organisation (also for other organisations' ids).
        case notFound
        /// The record already exists (e.g. an e-mail in use).
        case alreadyExists
        /// The caller may not do this.
        case permissionDenied
        /// No valid credentials.
        case unauthenticated
        /// The request is valid but the state does not allow it (e.g. removing the last admin).
        case failedPrecondition
        /// Too many attempts; try later.
        case resourceExhausted
        /// A bug or a storage failure.
        case internalError
        /// A concurrent change got in first; retry.
        case aborted
    }

    /// The kind of failure.
    public var code: Code
    /// A message for the caller.
    public var message: String
    /// The underlying error, logged locally and never sent.
    public var cause: (any Error)?

    /// An error with a code and message.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The wire error.
    public var rpcError: RPCError {
        let status: StatusCode
        switch code {
        case .invalidArgument: status = .invalidArgument
        case .notFound: status = .notFound
        case .alreadyExists: status = .alreadyExists
        case .permissionDenied: status = .permissionDenied
        case .unauthenticated: status = .unauthenticated
        case .failedPrecondition: status = .failedPrecondition
        case .resourceExhausted: status = .resourceExhausted
        case .internalError: status = .internalError
        case .aborted: status = .aborted
        }
        return RPCError(code: status, message: message, cause: cause)
    }

    /// INVALID_ARGUMENT naming the field.
    static func invalid(_ field: String, _ why: String) -> IdentityError {
        IdentityError(.invalidArgument, "\(field): \(why)")
    }

    /// NOT_FOUND for a thing by name.
    static func notFound(_ what: String) -> IdentityError {
        IdentityError(.notFound, "\(what) not found")
    }

    /// PERMISSION_DENIED with a reason.
    static func denied(_ why: String) -> IdentityError {
        IdentityError(.permissionDenied, why)
    }

    /// A valid token whose account has been deactivated since it was issued.
    static let callerInactive = IdentityError(.unauthenticated, "the account of this token is not active")

    /// The answer while an account or address is locked after repeated failures.
    static let throttled = IdentityError(
        .resourceExhausted, "too many failed sign-in attempts; try again later")

    /// The one answer for every failed login, so it never reveals whether the account exists.
    static let loginFailed = IdentityError(.unauthenticated, "invalid credentials")
}
