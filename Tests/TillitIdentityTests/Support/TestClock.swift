import Foundation
import Synchronization

/// A clock tests move by hand; starts at the real time.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    /// Now, as the service sees it.
    func now() -> Date {
        current.withLock { $0 }
    }

    /// Moves the clock forward.
    func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
