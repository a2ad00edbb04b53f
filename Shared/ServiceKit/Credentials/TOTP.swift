import Crypto
import Foundation

/// RFC 6238 TOTP: HMAC-SHA1, 6 digits, 30-second steps (what authenticator apps default to).
public struct TOTP: Sendable {
    /// Seconds per time step.
    public static let period: Int64 = 30
    /// Digits per code.
    public static let digits = 6
    /// The largest `window` `match` honours; larger ones are clamped to it.
    public static let maximumWindow: Int64 = 10

    /// The shared secret (HMAC key).
    public let secret: [UInt8]

    /// A generator for `secret`.
    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// 20 random bytes (160 bits, RFC 4226's recommendation).
    public static func generateSecret() -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: 160)).withUnsafeBytes { Array($0) }
    }

    /// The time step of `date`: `floor(unix time / 30)`.
    ///
    /// Dates too far from 1970 for an `Int64` step are clamped; a NaN date gives 0.
    public static func step(at date: Date) -> Int64 {
        let steps = (date.timeIntervalSince1970 / Double(period)).rounded(.down)
        if let step = Int64(exactly: steps) {
            return step
        }
        if steps.isNaN {
            return 0
        }
        return steps > 0 ? .max : .min
    }

    /// The code for `step`: the RFC 4226 HOTP value for that counter (as its 64-bit two's
    /// complement), zero-padded to 6 digits.
    public func code(step: Int64) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(
            HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        // Dynamic truncation (RFC 4226 §5.3): SHA-1 gives 20 bytes, so offset + 3 <= 18.
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<Self.digits {
            modulus *= 10
        }
        let digits = String(binary % modulus)
        return String(repeating: "0", count: Self.digits - digits.count) + digits
    }

    /// The step whose code equals `code` within ±`window` steps of `date`, considering only
    /// steps after `lastUsedStep` (replay protection); nil if none. Rejects codes that are not
    /// exactly 6 ASCII digits. Compares in constant time.
    ///
    /// `window` is clamped to `0...maximumWindow`. Every candidate step is computed and compared
    /// (no early exit); if several match, the latest is returned. Store the returned step as
    /// the new `lastUsedStep`.
    public func match(
        _ code: String, at date: Date, window: Int64 = 1, after lastUsedStep: Int64?
    ) -> Int64? {
        guard code.utf8.count == Self.digits else { return nil }
        let candidate = Array(code.utf8)
        guard candidate.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let window = min(max(window, 0), Self.maximumWindow)
        let now = Self.step(at: date)
        var matched: Int64?
        for offset in -window...window {
            let (step, overflow) = now.addingReportingOverflow(offset)
            guard !overflow else { continue }
            if let lastUsedStep, step <= lastUsedStep {
                continue
            }
            if ConstantTime.equal(Array(self.code(step: step).utf8), candidate) {
                matched = step
            }
        }
        return matched
    }

    /// The URI authenticator apps read from a QR code: `otpauth://totp/<issuer>:<account>`
    /// `?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30`.
    ///
    /// Everything but RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`) is percent-encoded
    /// as UTF-8, so a space becomes `%20` and a colon `%3A`.
    public func provisioningURI(issuer: String, account: String) -> String {
        let issuer = Self.percentEncoded(issuer)
        let account = Self.percentEncoded(account)
        return "otpauth://totp/\(issuer):\(account)?secret=\(Base32.encode(secret))&issuer=\(issuer)"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.period)"
    }

    /// `text` with every byte outside the RFC 3986 unreserved set written as `%XX`.
    private static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
