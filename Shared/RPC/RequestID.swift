import Synchronization

/// Makes request ids: UUID-shaped, a random 64-bit process prefix plus a counter, so making one
/// costs no system call (Foundation's `UUID()` opens /dev/urandom on Linux for every id).
enum RequestID {
    private static let prefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0...UInt64(UInt32.max)))

    /// A new id, e.g. `9f1c2a7e-55d0-4b1e-0000-00000000002a`.
    static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let high = hex(prefix, digits: 16)
        let low = hex(count, digits: 16)
        let a = high.prefix(8)
        let b = high.dropFirst(8).prefix(4)
        let c = high.dropFirst(12)
        let d = low.prefix(4)
        let e = low.dropFirst(4)
        return "\(a)-\(b)-\(c)-\(d)-\(e)"
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}
