/// A gRPC status code, with gRPC's numbering and meaning.
///
/// The framework produces `unimplemented`, `resourceExhausted`, `deadlineExceeded`, `cancelled`,
/// `unavailable`, `unauthenticated` and `internalError`; handlers produce the rest.
public enum StatusCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Not an error.
    case ok = 0
    /// The operation was cancelled, typically by the caller.
    case cancelled = 1
    /// An error with no better code.
    case unknown = 2
    /// The caller sent something invalid regardless of system state.
    case invalidArgument = 3
    /// The deadline passed before the operation completed.
    case deadlineExceeded = 4
    /// A requested entity was not found.
    case notFound = 5
    /// The entity the caller tried to create already exists.
    case alreadyExists = 6
    /// The caller is authenticated but not allowed to do this.
    case permissionDenied = 7
    /// A resource (frame size, calls in flight, quota) is exhausted.
    case resourceExhausted = 8
    /// The system is not in a state required for the operation.
    case failedPrecondition = 9
    /// The operation was aborted, typically by a concurrency conflict.
    case aborted = 10
    /// A value was outside the valid range.
    case outOfRange = 11
    /// The method is not implemented or not known.
    case unimplemented = 12
    /// An invariant was broken; details are logged, not returned.
    case internalError = 13
    /// The service is currently unavailable; the call may be retried.
    case unavailable = 14
    /// Unrecoverable data loss or corruption.
    case dataLoss = 15
    /// The caller has no valid credentials.
    case unauthenticated = 16

    /// The code for a wire value; unknown values map to `.unknown`.
    public init(wireValue: Int32) {
        self = StatusCode(rawValue: wireValue) ?? .unknown
    }

    /// The canonical gRPC name, e.g. `DEADLINE_EXCEEDED`.
    public var description: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internalError: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        }
    }
}
