import Foundation
import Synchronization

/// A clock tests move by hand; starts at the real time.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// A clock at `start`.
    public init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    /// Now, as the service sees it.
    public func now() -> Date {
        current.withLock { $0 }
    }

    /// Sets the clock to `date` (forward or back).
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    /// Moves the clock forward.
    public func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
