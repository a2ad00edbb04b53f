import Foundation

/// scrypt cost parameters, stored as JSON next to each hash so they can be raised later.
///
/// Values are checked by `validate()` before any derivation: `n` a power of two of at least 2
/// (and below `2^(16r)`), `r` and `p` at least 1 with `p` at most 16, `length` from 16 to 64
/// bytes, and at most `maximumMemoryBytes` of scratch memory.
public struct PasswordParameters: Sendable, Hashable, Codable {
    /// CPU/memory cost: the number of scrypt blocks kept in memory (a power of two).
    public var n: Int
    /// Block size factor.
    public var r: Int
    /// Parallelisation factor (run sequentially here, so it multiplies the CPU cost).
    public var p: Int
    /// Length of the derived key in bytes.
    public var length: Int

    /// Parameters with the given costs; they are checked when used, not here.
    public init(n: Int, r: Int, p: Int, length: Int = 32) {
        self.n = n
        self.r = r
        self.p = p
        self.length = length
    }

    /// N=2^17, r=8, p=1, 32 bytes (~128 MiB per hash): what the service uses.
    public static let standard = PasswordParameters(n: 1 << 17, r: 8, p: 1)

    /// The most scratch memory one derivation may need (1 GiB), so that a stored parameter
    /// set cannot make the service allocate without bound.
    public static let maximumMemoryBytes = 1 << 30

    /// Allowed derived-key lengths, in bytes.
    public static let lengthRange = 16...64

    /// Largest allowed parallelisation factor.
    public static let maximumParallelism = 16

    /// JSON text, keys n,r,p,length, e.g. `{"length":32,"n":131072,"p":1,"r":8}` (sorted keys).
    public var json: String {
        "{\"length\":\(length),\"n\":\(n),\"p\":\(p),\"r\":\(r)}"
    }

    /// Parses `json` (as produced by `json`) and validates the values.
    ///
    /// - Throws: `PasswordHasherError` with `.invalidParameters` when the text is not a JSON
    ///   object with integer keys `n`, `r`, `p` and `length`, or the values fail `validate()`.
    public init(json: String) throws {
        let decoded: PasswordParameters
        do {
            decoded = try JSONDecoder().decode(PasswordParameters.self, from: Data(json.utf8))
        } catch {
            throw PasswordHasherError(
                code: .invalidParameters, message: "malformed scrypt parameters JSON", cause: error)
        }
        try decoded.validate()
        self = decoded
    }

    /// Approximate scratch memory one derivation uses: `128 × r × (n + p + 1)` bytes, or nil
    /// when that overflows.
    public var memoryBytes: Int? {
        let (blocks, blocksOverflow) = n.addingReportingOverflow(p)
        let (blocksPlusOne, plusOneOverflow) = blocks.addingReportingOverflow(1)
        let (perBlock, perBlockOverflow) = r.multipliedReportingOverflow(by: 128)
        let (total, totalOverflow) = blocksPlusOne.multipliedReportingOverflow(by: perBlock)
        guard !blocksOverflow, !plusOneOverflow, !perBlockOverflow, !totalOverflow else { return nil }
        return total
    }

    /// Checks that scrypt can run with these values within the service's limits.
    ///
    /// - Throws: `PasswordHasherError` with `.invalidParameters`, naming the offending value.
    public func validate() throws {
        func invalid(_ message: String) -> PasswordHasherError {
            PasswordHasherError(code: .invalidParameters, message: "invalid scrypt parameters: \(message)")
        }
        guard n >= 2, n & (n - 1) == 0 else { throw invalid("n must be a power of two of at least 2") }
        guard r >= 1 else { throw invalid("r must be at least 1") }
        guard (1...Self.maximumParallelism).contains(p) else {
            throw invalid("p must be from 1 to \(Self.maximumParallelism)")
        }
        guard Self.lengthRange.contains(length) else {
            throw invalid(
                "length must be from \(Self.lengthRange.lowerBound) to \(Self.lengthRange.upperBound)")
        }
        // scrypt requires n < 2^(128 × r / 8), which only binds for r <= 3.
        if r <= 3 {
            guard n < 1 << (16 * r) else { throw invalid("n must be below 2^(16r)") }
        }
        guard let memory = memoryBytes, memory <= Self.maximumMemoryBytes else {
            throw invalid("they need more than \(Self.maximumMemoryBytes) bytes of memory")
        }
        // swift-crypto lets BoringSSL use at most 128·n·r·p bytes plus one page (at least 4 KiB),
        // while BoringSSL needs 128·r·(n + p + 1): refuse what it would reject (e.g. r > 16 at p = 1).
        let budget = 128 * n * r * p + 4096
        guard budget / (128 * r) >= n + p + 1 else {
            throw invalid("r is too large for p (the scrypt memory budget would be exceeded)")
        }
    }
}
