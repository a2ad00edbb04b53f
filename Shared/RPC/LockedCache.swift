import Synchronization

/// A dictionary of values made once per key and then reused, safe across threads.
final class LockedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let storage = Mutex<[Key: Value]>([:])

    /// The value for `key`, made by `make` the first time.
    func value(for key: Key, make: (Key) -> Value) -> Value {
        storage.withLock { storage in
            if let value = storage[key] { return value }
            let value = make(key)
            storage[key] = value
            return value
        }
    }
}
