import Synchronization

/// Makes request ids: UUID-shaped, a random 64-bit process prefix plus a counter, so making one
/// costs no system call (Foundation's `UUID()` opens /dev/urandom on Linux for every id) and
/// little else.
enum RequestID {
    private static let prefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0...UInt64(UInt32.max)))
    private static let digits = Array("0123456789abcdef".utf8)

    /// A caller's id if it is safe to log and pass on — 1 to 128 characters of letters, digits
    /// and `-_.:` — or nil, in which case the server makes its own.
    static func accepting(_ candidate: String) -> String? {
        let utf8 = candidate.utf8
        guard (1...128).contains(utf8.count) else { return nil }
        let allowed = utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."),
                UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
        return allowed ? candidate : nil
    }

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
