import Foundation

/// An 8-bit palette image and its PNG encoding (ISO/IEC 15948), written without a library.
struct PNGImage: Sendable {
    /// A palette colour.
    struct Colour: Sendable, Equatable {
        var red: UInt8
        var green: UInt8
        var blue: UInt8

        /// `0xRRGGBB`.
        init(_ rgb: UInt32) {
            red = UInt8(rgb >> 16 & 0xFF)
            green = UInt8(rgb >> 8 & 0xFF)
            blue = UInt8(rgb & 0xFF)
        }
    }

    let width: Int
    let height: Int
    /// At most 256 colours; pixels index it.
    let palette: [Colour]
    /// Row-major palette indices, `width × height`, all colour 0 at first.
    private(set) var pixels: [UInt8]

    /// A `width × height` image filled with palette colour 0.
    init(width: Int, height: Int, palette: [Colour]) {
        precondition(width > 0 && height > 0 && (1...256).contains(palette.count))
        self.width = width
        self.height = height
        self.palette = palette
        pixels = Array(repeating: 0, count: width * height)
    }

    /// Paints the rectangle of `width × height` pixels from (`x`, `y`) (top left), clipped.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, colour: UInt8) {
        let left = max(0, x)
        let right = min(width, x + w)
        let top = max(0, y)
        let bottom = min(height, y + h)
        guard left < right, top < bottom else { return }
        for row in top..<bottom {
            let start = row * width
            for column in left..<right { pixels[start + column] = colour }
        }
    }

    /// The colour index at (`x`, `y`).
    func pixel(x: Int, y: Int) -> UInt8 {
        pixels[y * width + x]
    }

    /// The PNG file.
    func encoded() -> Data {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += Self.bigEndian(UInt32(width))
        header += Self.bigEndian(UInt32(height))
        header += [8, 3, 0, 0, 0]  // 8 bits, palette, deflate, adaptive filters, no interlace
        Self.chunk("IHDR", header, into: &file)
        Self.chunk("PLTE", palette.flatMap { [$0.red, $0.green, $0.blue] }, into: &file)
        // Filter "Up" on every row but the first: flat areas become runs of zeros.
        var filtered: [UInt8] = []
        filtered.reserveCapacity((width + 1) * height)
        for row in 0..<height {
            let start = row * width
            if row == 0 {
                filtered.append(0)
                filtered += pixels[start..<start + width]
            } else {
                filtered.append(2)
                for column in 0..<width {
                    filtered.append(pixels[start + column] &- pixels[start - width + column])
                }
            }
        }
        Self.chunk("IDAT", Deflate.zlib(filtered), into: &file)
        Self.chunk("IEND", [], into: &file)
        return Data(file)
    }

    private static func chunk(_ type: String, _ data: [UInt8], into file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        file += bigEndian(UInt32(data.count))
        file += typeBytes
        file += data
        file += bigEndian(crc32(typeBytes + data))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The CRC-32 of a chunk's type and data.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
