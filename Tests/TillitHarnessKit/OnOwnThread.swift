import Foundation

/// Runs blocking work — a C client's socket calls, waiting for a child process, reading its
/// pipes to the end, `sleep` — on a thread of its own, never on a thread of Swift's cooperative
/// pool. Every test target runs in one process whose pool has as many threads as cores (two
/// here); one test blocking a pool thread stalls every in-process server and client of every
/// other test, which is how calls "timed out" on a busy machine. Tests call blocking APIs only
/// through this.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.name = "tillit-test-blocking"
        thread.start()
    }
}
