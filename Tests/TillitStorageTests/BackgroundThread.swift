import Foundation

/// Runs a closure on a dedicated thread (not the cooperative pool), so it may block.
final class BackgroundThread: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        let finished = finished
        let thread = Thread {
            body()
            finished.signal()
        }
        thread.start()
    }

    /// Waits for the closure to return; returns false if it did not within `timeout`.
    /// Joining again after a successful join returns true at once.
    @discardableResult
    func join(timeout: TimeInterval = 60) -> Bool {
        guard finished.wait(timeout: .now() + timeout) == .success else {
            return false
        }
        finished.signal()
        return true
    }
}
