import Foundation

/// A small zlib (RFC 1950) writer for images: one DEFLATE (RFC 1951) block with the fixed
/// Huffman codes, runs of one byte as back-references at distance 1, everything else as
/// literals. Charts are mostly flat colour, so this compresses them well without a library.
enum Deflate {
    /// `data` as a zlib stream.
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE 01: fixed Huffman codes
        var index = 0
        while index < data.count {
            let byte = data[index]
            literal(byte, &bits)
            index += 1
            // The rest of a run of `byte`: lengths of 3–258 at distance 1.
            var run = 0
            while index + run < data.count, data[index + run] == byte, run < 258 { run += 1 }
            if run >= 3 {
                length(run, &bits)
                bits.writeReversed(0, count: 5)  // distance code 0: distance 1, no extra bits
                index += run
            }
        }
        symbol(256, &bits)  // end of block
        var out: [UInt8] = [0x78, 0x01]
        out += bits.finish()
        let adler = adler32(data)
        out += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return out
    }

    /// The Adler-32 checksum of `data`.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for chunk in stride(from: 0, to: data.count, by: 5552) {
            for byte in data[chunk..<min(chunk + 5552, data.count)] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    private static let lengthBases: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163,
        195, 227, 258,
    ]
    private static let lengthExtraBits: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    private static func literal(_ byte: UInt8, _ bits: inout BitWriter) {
        symbol(Int(byte), &bits)
    }

    private static func length(_ length: Int, _ bits: inout BitWriter) {
        var code = lengthBases.count - 1
        while lengthBases[code] > length { code -= 1 }
        symbol(257 + code, &bits)
        let extra = lengthExtraBits[code]
        if extra > 0 { bits.write(UInt32(length - lengthBases[code]), count: extra) }
    }

    /// A literal/length symbol in the fixed code (Huffman codes go most significant bit first).
    private static func symbol(_ value: Int, _ bits: inout BitWriter) {
        switch value {
        case 0...143: bits.writeReversed(UInt32(0x30 + value), count: 8)
        case 144...255: bits.writeReversed(UInt32(0x190 + value - 144), count: 9)
        case 256...279: bits.writeReversed(UInt32(value - 256), count: 7)
        default: bits.writeReversed(UInt32(0xC0 + value - 280), count: 8)
        }
    }

    /// Bits packed least significant first, as DEFLATE wants.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt32 = 0
        var filled = 0

        mutating func write(_ value: UInt32, count: Int) {
            for bit in 0..<count {
                current |= (value >> UInt32(bit) & 1) << UInt32(filled)
                filled += 1
                if filled == 8 {
                    bytes.append(UInt8(current))
                    current = 0
                    filled = 0
                }
            }
        }

        mutating func writeReversed(_ code: UInt32, count: Int) {
            for bit in (0..<count).reversed() { write(code >> UInt32(bit) & 1, count: 1) }
        }

        mutating func finish() -> [UInt8] {
            if filled > 0 { bytes.append(UInt8(current)) }
            return bytes
        }
    }
}
