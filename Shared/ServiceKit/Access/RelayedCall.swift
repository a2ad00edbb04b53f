import Foundation
import TillitContracts
import TillitRPC

/// A call to another Tillit service made while serving a user: it relays the calling user's own
/// access token (the other service verifies it and applies its own rules, so nothing can be done
/// through a service that the user could not do), names the calling service in
/// `x-calling-service` for the audit trail, and inherits the caller's deadline.
///
/// The other service unreachable, slow or failing answers UNAVAILABLE (or DEADLINE_EXCEEDED),
/// so the write that needed the answer is not made; its NOT_FOUND, PERMISSION_DENIED and
/// UNAUTHENTICATED, and its refusals of the request itself (INVALID_ARGUMENT,
/// FAILED_PRECONDITION, ABORTED, ALREADY_EXISTS) pass on as such.
public struct RelayedCall: Sendable {
    /// The service making the call (named in `x-calling-service`).
    public let from: ServiceName
    /// The service called, for messages ("Identity", "Booking").
    public let dependency: String
    /// How long one call may take at most (the caller's deadline may be shorter).
    public let timeout: Duration

    /// Calls from `from` to `dependency` taking at most `timeout` each.
    public init(from: ServiceName, to dependency: String, timeout: Duration) {
        self.from = from
        self.dependency = dependency
        self.timeout = timeout
    }

    /// The options of a relayed call: the current call's `authorization`, `x-calling-service`,
    /// the timeout.
    public func options() -> CallOptions {
        var options = CallOptions(timeout: timeout)
        if let context = ServerContext.current,
            let authorization = context.metadata[Metadata.Key.authorization]
        {
            options.metadata.add(Metadata.Key.authorization, authorization)
        }
        options.metadata.add(Caller.callingServiceKey, from.rawValue)
        return options
    }

    /// Runs `call` with `options()`; maps the dependency's answer to what the caller is told
    /// (NOT_FOUND says `notFound` was not found).
    public func callAsFunction<T: Sendable>(
        notFound: String = "account", _ call: (CallOptions) async throws -> T
    ) async throws -> T {
        do {
            return try await call(options())
        } catch let error as RPCError {
            switch error.code {
            case .notFound: throw ServiceError.notFound(notFound)
            case .permissionDenied: throw ServiceError.denied("\(dependency) refused: \(error.message)")
            case .unauthenticated:
                throw ServiceError.unauthenticated("\(dependency) refused the token: \(error.message)")
            case .invalidArgument, .failedPrecondition, .aborted, .alreadyExists:
                // The dependency answered: what it said is the answer.
                throw ServiceError(error.code, "\(dependency): \(error.message)", cause: error)
            case .deadlineExceeded:
                throw ServiceError(.deadlineExceeded, "\(dependency) did not answer in time", cause: error)
            case .cancelled: throw ServiceError(.cancelled, "call cancelled", cause: error)
            default:
                throw ServiceError.unavailable(
                    "\(dependency) is unavailable; nothing was changed", cause: error)
            }
        }
    }
}
