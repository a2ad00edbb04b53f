import NIOCore
import Synchronization
import TillitRPC

/// Records how a future completed, so that a synchronous test can check it without waiting.
final class Completion<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)

    init(_ future: EventLoopFuture<Value>) {
        future.whenComplete { result in self.result.withLock { $0 = result } }
    }

    /// Whether the future has completed.
    var isDone: Bool { result.withLock { $0 != nil } }

    /// The error it failed with, if it failed.
    var error: (any Error)? {
        result.withLock { result in
            if case .failure(let error) = result { return error }
            return nil
        }
    }

    /// The `RPCError` it failed with, if it failed with one.
    var rpcError: RPCError? { error as? RPCError }

    /// The value it succeeded with, if it succeeded.
    var value: Value? {
        result.withLock { try? $0?.get() }
    }
}
