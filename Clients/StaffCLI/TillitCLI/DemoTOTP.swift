import Crypto
import Foundation

/// The RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s) the demo seeder needs to enrol its setup
/// account; kept here so the CLI does not link the Identity service library.
struct DemoTOTP: Sendable {
    /// The shared secret.
    let secret: [UInt8]

    /// A generator for a Base32 secret as EnrolTotp returns it; nil if it is not Base32.
    init?(base32: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value: UInt32 = 0
        var bytes: [UInt8] = []
        for character in base32.uppercased() where character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = (value << 5) | UInt32(index)
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        secret = bytes
    }

    /// The code of the 30-second step `offset` steps after the current one.
    func code(offset: Int64 = 0, now: Date = Date()) -> String {
        let step = Int64(now.timeIntervalSince1970 / 30) + offset
        let counter = withUnsafeBytes(of: UInt64(step).bigEndian) { Array($0) }
        let mac = Array(
            HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
        return String(format: "%06u", binary % 1_000_000)
    }
}
