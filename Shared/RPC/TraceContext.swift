import Synchronization

/// W3C trace context (`traceparent`, https://www.w3.org/TR/trace-context/) for one call: the
/// trace id shared by every call of one user action across services, this call's own span id,
/// and the caller's span id.
///
/// The server takes the caller's `traceparent` when it is well formed and starts a new trace
/// otherwise; calls a handler makes carry the same trace id with this call's span as parent, so
/// `grep <trace id>` over every service's log follows one action.
public struct TraceContext: Sendable, Hashable {
    /// 32 lower-case hex digits, never all zero.
    public let traceID: String
    /// This call's span: 16 lower-case hex digits, never all zero.
    public let spanID: String
    /// The caller's span, when the caller sent a valid `traceparent`.
    public let parentID: String?
    /// The trace flags (bit 0: sampled).
    public let flags: UInt8

    /// The `traceparent` value for calls made on behalf of this one (this span as their parent).
    public var headerForChildren: String {
        "00-\(traceID)-\(spanID)-\(Self.hex(UInt64(flags), digits: 2))"
    }

    /// The context of a call that arrived with `traceparent` (nil or malformed: a new trace).
    public init(receiving traceparent: String?) {
        let spanID = Self.hex(Self.nextRandom(), digits: 16)
        if let traceparent, let parsed = Self.parse(traceparent) {
            self.traceID = parsed.traceID
            self.parentID = parsed.parentID
            self.flags = parsed.flags
        } else {
            self.traceID = Self.hex(Self.nextRandom(), digits: 16) + Self.hex(Self.nextRandom(), digits: 16)
            self.parentID = nil
            self.flags = 1
        }
        self.spanID = spanID
    }

    /// A new trace with no parent (e.g. one command of the CLI).
    public static func start() -> TraceContext {
        TraceContext(receiving: nil)
    }

    /// The parts of a valid `traceparent` (version 00, or a later version read as 00 when its
    /// first four fields are well formed); nil when it is not one.
    static func parse(_ header: String) -> (traceID: String, parentID: String, flags: UInt8)? {
        let utf8 = Array(header.utf8)
        // 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55; later versions may append "-…".
        guard utf8.count >= 55, utf8[2] == UInt8(ascii: "-"), utf8[35] == UInt8(ascii: "-"),
            utf8[52] == UInt8(ascii: "-")
        else { return nil }
        guard let version = hexValue(utf8[0..<2]), version != 0xff else { return nil }
        if version == 0, utf8.count != 55 { return nil }
        if utf8.count > 55, utf8[55] != UInt8(ascii: "-") { return nil }
        let traceBytes = utf8[3..<35]
        let parentBytes = utf8[36..<52]
        guard isLowerHex(traceBytes), isLowerHex(parentBytes), let flags = hexValue(utf8[53..<55]),
            !traceBytes.allSatisfy({ $0 == UInt8(ascii: "0") }),
            !parentBytes.allSatisfy({ $0 == UInt8(ascii: "0") })
        else { return nil }
        return (
            String(decoding: traceBytes, as: UTF8.self), String(decoding: parentBytes, as: UTF8.self), flags
        )
    }

    private static func isLowerHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }

    private static func hexValue(_ bytes: ArraySlice<UInt8>) -> UInt8? {
        guard isLowerHex(bytes) else { return nil }
        return bytes.reduce(0) { value, byte in
            let digit = byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10
            return value << 4 | digit
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ value: UInt64, digits count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                buffer[index] = digits[Int((value >> UInt64((count - 1 - index) * 4)) & 0xF)]
            }
            return count
        }
    }

    // Ids come from SplitMix64 over a counter started at a random point: a bijection, so no id
    // repeats within a process and none is zero after the fix-up, and no system call per id
    // (Swift's system generator reads the kernel's on every call).
    private static let seed = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    private static func nextRandom() -> UInt64 {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue ^ seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z == 0 ? 1 : z
    }
}
