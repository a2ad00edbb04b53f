/// Call metadata: ordered key/value pairs with lower-case ASCII keys; a key may repeat.
public struct Metadata: Sendable, Hashable, Sequence {
    /// One entry.
    public struct Entry: Sendable, Hashable {
        /// The lower-cased key.
        public var key: String
        /// The value.
        public var value: String
    }

    /// Well-known keys.
    public enum Key {
        /// `Bearer <token>`.
        public static let authorization = "authorization"
        /// Correlates the logs of one request across services; generated when absent.
        public static let requestID = "x-request-id"
        /// W3C trace context.
        public static let traceparent = "traceparent"
        /// The user on whose behalf a service makes a call.
        public static let onBehalfOf = "x-on-behalf-of"
    }

    private var entries: [Entry]

    /// Empty metadata.
    public init() {
        entries = []
    }

    /// Metadata from key/value pairs, in order; keys are lower-cased.
    public init(_ pairs: [(String, String)]) {
        entries = pairs.map { Entry(key: $0.0.lowercased(), value: $0.1) }
    }

    /// Appends a value for a key (lower-cased).
    public mutating func add(_ key: String, _ value: String) {
        entries.append(Entry(key: key.lowercased(), value: value))
    }

    /// Replaces all values of a key by one value, or removes the key when `value` is nil.
    public subscript(key: String) -> String? {
        get {
            let key = key.lowercased()
            return entries.first { $0.key == key }?.value
        }
        set {
            let key = key.lowercased()
            entries.removeAll { $0.key == key }
            if let newValue { entries.append(Entry(key: key, value: newValue)) }
        }
    }

    /// All values of a key, in order.
    public func values(for key: String) -> [String] {
        let key = key.lowercased()
        return entries.filter { $0.key == key }.map(\.value)
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// Iterates entries in order.
    public func makeIterator() -> IndexingIterator<[Entry]> {
        entries.makeIterator()
    }
}
