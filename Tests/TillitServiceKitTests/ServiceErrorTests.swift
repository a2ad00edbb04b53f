import GRDB
import Testing
import TillitRPC
import TillitServiceKit
import TillitStorage

/// Storage failures reach callers with the right status, never as INTERNAL when they are not.
@Suite(.timeLimit(.minutes(1))) struct ServiceErrorTests {
    @Test func storageErrorsMapToTheirStatuses() {
        #expect(ServiceError.fromStorage(DatabaseError(resultCode: .SQLITE_BUSY)).code == .unavailable)
        #expect(ServiceError.fromStorage(DatabaseError(resultCode: .SQLITE_LOCKED)).code == .unavailable)
        #expect(
            ServiceError.fromStorage(DatabaseError(resultCode: .SQLITE_CONSTRAINT)).code
                == .failedPrecondition)
        #expect(ServiceError.fromStorage(DatabaseError(resultCode: .SQLITE_INTERRUPT)).code == .cancelled)
        #expect(ServiceError.fromStorage(CancellationError()).code == .cancelled)
        #expect(ServiceError.fromStorage(DatabaseError(resultCode: .SQLITE_CORRUPT)).code == .internalError)
        #expect(
            ServiceError.fromStorage(StorageError(code: .corruptValue, message: "column 3 holds NULL")).code
                == .dataLoss)
        #expect(
            ServiceError.fromStorage(StorageError(code: .closeFailed, message: "x")).code == .internalError)
        let passed = ServiceError.fromStorage(ServiceError.notFound("client"))
        #expect(passed.code == .notFound)
        #expect(passed.message == "client not found")
    }

    @Test func messagesNeverCarrySQL() {
        let error = DatabaseError(
            resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE failed", sql: "INSERT INTO x")
        let mapped = ServiceError.fromStorage(error).rpcError
        #expect(!mapped.message.contains("INSERT"))
        #expect(!mapped.message.contains("UNIQUE"))
        #expect(mapped.cause != nil)
    }

    @Test func helpersNameTheField() {
        let error = ServiceError.invalid("client_id", "is not an id")
        #expect(error.code == .invalidArgument)
        #expect(error.message == "client_id: is not an id")
        #expect(error.rpcError.code == .invalidArgument)
    }
}
