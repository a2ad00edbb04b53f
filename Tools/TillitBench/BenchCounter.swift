import Synchronization

/// A counter shared by the benchmark's tasks.
final class BenchCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The value before adding one.
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// The value now.
    var count: Int { value.load(ordering: .relaxed) }
}
