/// Unpadded base64url (RFC 4648 §5), as PASETO uses it: encoding never pads, decoding rejects
/// padding, characters outside the alphabet and non-canonical trailing bits.
package enum Base64URL {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The 6-bit value of each byte, or 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// `bytes` encoded without padding.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let chunk = UInt32(input[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
        case 2:
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil if it is not canonical unpadded base64url.
    package static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let input = Array(text)
        let remainder = input.count % 4
        if remainder == 1 { return nil }
        var output = [UInt8]()
        output.reserveCapacity(input.count / 4 * 3 + 2)
        return values.withUnsafeBufferPointer { values -> [UInt8]? in
            var index = 0
            while index + 4 <= input.count {
                let a = values[Int(input[index])]
                let b = values[Int(input[index + 1])]
                let c = values[Int(input[index + 2])]
                let d = values[Int(input[index + 3])]
                if (a | b | c | d) & 0xC0 != 0 { return nil }
                let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output.append(UInt8(truncatingIfNeeded: chunk >> 16))
                output.append(UInt8(truncatingIfNeeded: chunk >> 8))
                output.append(UInt8(truncatingIfNeeded: chunk))
                index += 4
            }
            switch remainder {
            case 2:
                let a = values[Int(input[index])]
                let b = values[Int(input[index + 1])]
                // The last character's low 4 bits must be zero (canonical encoding).
                if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return nil }
                output.append(a << 2 | b >> 4)
            case 3:
                let a = values[Int(input[index])]
                let b = values[Int(input[index + 1])]
                let c = values[Int(input[index + 2])]
                // The last character's low 2 bits must be zero (canonical encoding).
                if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return nil }
                output.append(a << 2 | b >> 4)
                output.append((b & 0x0F) << 4 | c >> 2)
            default:
                break
            }
            return output
        }
    }
}
