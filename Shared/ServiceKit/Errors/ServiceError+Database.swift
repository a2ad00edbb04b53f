import GRDB
import TillitRPC
import TillitStorage

extension ServiceError {
    /// The caller-facing error for anything a store's transaction threw: a `ServiceError` as it
    /// is; a constraint the handlers did not foresee as FAILED_PRECONDITION (no SQL in the
    /// message); a busy or locked database as UNAVAILABLE (retry later); a lost write race as
    /// ABORTED; a damaged stored value as DATA_LOSS; cancellation as CANCELLED; anything else as INTERNAL.
    public static func fromStorage(_ error: any Error) -> ServiceError {
        if let error = error as? ServiceError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_CONSTRAINT:
                return ServiceError(
                    .failedPrecondition, "the change conflicts with stored data", cause: error)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .unavailable("the database is busy; retry", cause: error)
            case .SQLITE_INTERRUPT:
                return ServiceError(.cancelled, "call cancelled", cause: error)
            default:
                break
            }
        }
        if let error = error as? StorageError, error.code == .corruptValue {
            return ServiceError(.dataLoss, "stored data is damaged", cause: error)
        }
        if error is CancellationError {
            return ServiceError(.cancelled, "call cancelled", cause: error)
        }
        return .internalError(cause: error)
    }
}
