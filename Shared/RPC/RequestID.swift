import Synchronization

/// Makes request ids: UUID-shaped, a random 64-bit process prefix plus a counter, so making one
/// costs no system call (Foundation's `UUID()` opens /dev/urandom on Linux for every id) and
/// little else.
enum RequestID {
    private static let prefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0...UInt64(UInt32.max)))
    private static let digits = Array("0123456789abcdef".utf8)

    /// A new id, e.g. `9f1c2a7e-55d0-4b1e-0000-00000000002a`.
    static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(prefix >> 32, nibbles: 8)
            dash()
            put(prefix >> 16, nibbles: 4)
            dash()
            put(prefix, nibbles: 4)
            dash()
            put(count >> 48, nibbles: 4)
            dash()
            put(count, nibbles: 12)
            return index
        }
    }
}
