import Foundation
import Testing

@testable import TillitCLI

/// The chart `tillit supervision hours report --png` draws and the PNG writer under it: the file
/// is decoded here with an independent inflater (fixed-Huffman DEFLATE, as the writer emits) and
/// its pixels compared with the image; checksums against published values.
@Suite(.timeLimit(.minutes(1))) struct HoursChartTests {
    @Test func checksumsMatchPublishedValues() {
        #expect(PNGImage.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(Deflate.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Deflate.adler32([]) == 1)
    }

    @Test func gridStepsAreRoundNumbers() {
        #expect(HoursChart.step(forMaxHours: 0) == 1)
        #expect(HoursChart.step(forMaxHours: 8) == 1)
        #expect(HoursChart.step(forMaxHours: 9) == 2)
        #expect(HoursChart.step(forMaxHours: 39) == 5)
        #expect(HoursChart.step(forMaxHours: 120) == 20)
        #expect(HoursChart.step(forMaxHours: 1_500) == 200)
    }

    @Test func theFileDecodesToTheImageDrawn() throws {
        let chart = HoursChart(bars: [
            .init(label: "01-01", supervisionMinutes: 120, directContactMinutes: 2_400),
            .init(label: "02-01", supervisionMinutes: 0, directContactMinutes: 0),
            .init(label: "03-01", supervisionMinutes: 90, directContactMinutes: 1_000),
        ])
        let image = chart.image()
        let file = [UInt8](image.encoded())
        let decoded = try PNGReader(file)
        #expect(decoded.width == image.width && decoded.height == image.height)
        #expect(decoded.palette.count == HoursChart.palette.count)
        for y in 0..<image.height {
            for x in 0..<image.width where decoded.pixels[y * image.width + x] != image.pixel(x: x, y: y) {
                Issue.record("pixel (\(x), \(y)) differs")
                return
            }
        }
        // The drawing: the taller direct-contact bar of January reaches the top grid line, the
        // supervision bar beside it is in its own colour, February has no bars.
        let colours = Set(image.pixelsInColumn(x: 64 + 8 + 17 + 2))
        #expect(colours.contains(HoursChart.Ink.directContact.rawValue))
        #expect(Set(image.pixelsInColumn(x: 64 + 8 + 2)).contains(HoursChart.Ink.supervision.rawValue))
        let february = Set(image.pixelsInColumn(x: 64 + 50 + 8 + 2))
        #expect(!february.contains(HoursChart.Ink.supervision.rawValue))
        #expect(!february.contains(HoursChart.Ink.directContact.rawValue))
        #expect(file.count < image.width * image.height / 4, "flat colour compresses: \(file.count) bytes")
    }

    @Test func longRunsAndRandomBytesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for data in [
            [], [7], [UInt8](repeating: 3, count: 1_000), random, random + [UInt8](repeating: 0, count: 600),
        ] {
            let stream = Deflate.zlib(data)
            #expect(try Inflater.zlib(stream) == data)
        }
    }
}

extension PNGImage {
    fileprivate func pixelsInColumn(x: Int) -> [UInt8] {
        (0..<height).map { pixel(x: x, y: $0) }
    }
}

/// An 8-bit palette PNG read back: chunks with their CRCs checked, IDAT inflated, rows unfiltered.
private struct PNGReader {
    var width = 0
    var height = 0
    var palette: [UInt8] = []
    var pixels: [UInt8] = []

    struct Failure: Error { var reason: String }

    init(_ file: [UInt8]) throws {
        guard Array(file.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure(reason: "signature")
        }
        func word(_ at: Int) -> Int {
            Int(file[at]) << 24 | Int(file[at + 1]) << 16 | Int(file[at + 2]) << 8 | Int(file[at + 3])
        }
        var offset = 8
        var data: [UInt8] = []
        var ended = false
        while offset < file.count {
            let length = word(offset)
            let type = String(decoding: file[offset + 4..<offset + 8], as: UTF8.self)
            let body = Array(file[offset + 8..<offset + 8 + length])
            guard
                UInt32(word(offset + 8 + length))
                    == PNGImage.crc32(Array(file[offset + 4..<offset + 8]) + body)
            else {
                throw Failure(reason: "CRC of \(type)")
            }
            switch type {
            case "IHDR":
                width = word(offset + 8)
                height = word(offset + 12)
                guard body[8] == 8, body[9] == 3 else { throw Failure(reason: "not 8-bit palette") }
            case "PLTE": palette = body
            case "IDAT": data += body
            case "IEND": ended = true
            default: break
            }
            offset += 12 + length
        }
        guard ended else { throw Failure(reason: "no IEND") }
        palette = stride(from: 0, to: palette.count, by: 3).map { palette[$0] }
        let raw = try Inflater.zlib(data)
        guard raw.count == (width + 1) * height else { throw Failure(reason: "size \(raw.count)") }
        pixels = Array(repeating: 0, count: width * height)
        for row in 0..<height {
            let filter = raw[row * (width + 1)]
            for column in 0..<width {
                let value = raw[row * (width + 1) + 1 + column]
                switch filter {
                case 0: pixels[row * width + column] = value
                case 2:
                    pixels[row * width + column] = value &+ (row > 0 ? pixels[(row - 1) * width + column] : 0)
                default: throw Failure(reason: "filter \(filter)")
                }
            }
        }
    }
}

/// A minimal zlib reader for the tests: stored and fixed-Huffman DEFLATE blocks, Adler-32 checked.
private enum Inflater {
    struct Failure: Error { var reason: String }

    static func zlib(_ stream: [UInt8]) throws -> [UInt8] {
        guard stream.count >= 6, (UInt16(stream[0]) << 8 | UInt16(stream[1])) % 31 == 0, stream[0] & 0x0F == 8
        else {
            throw Failure(reason: "zlib header")
        }
        var position = 16
        func bit() throws -> Int {
            guard position / 8 < stream.count else { throw Failure(reason: "truncated") }
            let value = Int(stream[position / 8] >> UInt8(position % 8) & 1)
            position += 1
            return value
        }
        func bits(_ count: Int) throws -> Int {
            var value = 0
            for index in 0..<count { value |= try bit() << index }
            return value
        }
        func huffman(_ count: Int) throws -> Int {
            var value = 0
            for _ in 0..<count { value = value << 1 | (try bit()) }
            return value
        }
        func symbol() throws -> Int {
            var code = try huffman(7)
            if code <= 0b0010111 { return 256 + code }
            code = code << 1 | (try bit())
            if (0b0011_0000...0b1011_1111).contains(code) { return code - 0b0011_0000 }
            if (0b1100_0000...0b1100_0111).contains(code) { return 280 + code - 0b1100_0000 }
            code = code << 1 | (try bit())
            return 144 + code - 0b1_1001_0000
        }
        let lengthBases = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
            163, 195, 227, 258,
        ]
        let lengthExtra = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ]
        let distanceBases = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
            3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ]
        let distanceExtra = [
            0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
        ]
        var out: [UInt8] = []
        var final = 0
        repeat {
            final = try bit()
            switch try bits(2) {
            case 0:
                position = (position + 7) / 8 * 8
                let length = try bits(16)
                _ = try bits(16)
                for _ in 0..<length { out.append(UInt8(try bits(8))) }
            case 1:
                while true {
                    let value = try symbol()
                    if value < 256 {
                        out.append(UInt8(value))
                    } else if value == 256 {
                        break
                    } else {
                        let index = value - 257
                        let length = lengthBases[index] + (try bits(lengthExtra[index]))
                        let code = try huffman(5)
                        let distance = distanceBases[code] + (try bits(distanceExtra[code]))
                        guard distance <= out.count else { throw Failure(reason: "distance") }
                        for _ in 0..<length { out.append(out[out.count - distance]) }
                    }
                }
            default: throw Failure(reason: "dynamic Huffman blocks are not used by the writer")
            }
        } while final == 0
        let end = (position + 7) / 8
        guard end + 4 <= stream.count else { throw Failure(reason: "no Adler-32") }
        let stored =
            UInt32(stream[end]) << 24 | UInt32(stream[end + 1]) << 16 | UInt32(stream[end + 2]) << 8
            | UInt32(stream[end + 3])
        guard stored == Deflate.adler32(out) else { throw Failure(reason: "Adler-32") }
        return out
    }
}
