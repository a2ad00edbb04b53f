import ArgumentParser
import TillitRPC

/// The exit codes of `tillit`, after sysexits(3): scripts can tell what went wrong.
public enum CLIExitCode: Int32, Sendable, CaseIterable {
    /// Success.
    case ok = 0
    /// Bad command line (ArgumentParser's own validation errors use this code too).
    case usage = 64
    /// The service refused the input (INVALID_ARGUMENT, OUT_OF_RANGE).
    case invalidInput = 65
    /// What was asked for does not exist (NOT_FOUND).
    case notFound = 66
    /// The request conflicts with the current state (ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED).
    case conflict = 67
    /// A service is down or not serving (UNAVAILABLE, DEADLINE_EXCEEDED, NOT_SERVING).
    case unavailable = 69
    /// Something unexpected failed (INTERNAL and the rest).
    case internalError = 70
    /// Not logged in, or not allowed (UNAUTHENTICATED, PERMISSION_DENIED).
    case auth = 77

    /// The exit code for a failed call's status.
    public init(status: StatusCode) {
        switch status {
        case .ok: self = .ok
        case .invalidArgument, .outOfRange: self = .invalidInput
        case .notFound: self = .notFound
        case .alreadyExists, .failedPrecondition, .aborted: self = .conflict
        case .unavailable, .deadlineExceeded, .cancelled, .resourceExhausted: self = .unavailable
        case .unauthenticated, .permissionDenied: self = .auth
        case .unknown, .unimplemented, .internalError, .dataLoss: self = .internalError
        }
    }

    /// As an ArgumentParser exit code.
    public var exitCode: ExitCode { ExitCode(rawValue) }
}
