import Testing
import TillitServiceKit

/// RFC 4648 base32.
@Suite(.timeLimit(.minutes(2))) struct Base32Tests {
    /// RFC 4648 §10.
    static let vectors: [(String, String)] = [
        ("", ""),
        ("f", "MY"),
        ("fo", "MZXQ"),
        ("foo", "MZXW6"),
        ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ]

    @Test func encodesTheRFCVectorsWithoutPadding() {
        for (plain, encoded) in Self.vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
        }
        #expect(Base32.encode(Array("12345678901234567890".utf8)) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test func decodesTheRFCVectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func decodeIgnoresCaseSpacesAndPadding() {
        #expect(Base32.decode("mzxw6ytboi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW 6YTB OI") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YQ=") == Array("foob".utf8))
        #expect(Base32.decode("MY======") == Array("f".utf8))
        #expect(Base32.decode("mZxW6yTbOi======") == Array("foobar".utf8))
    }

    @Test(arguments: [
        "M", "MZX", "MZXW6Y", "MZ=XQ", "MZXQ1", "MZXQ8", "MZXQ0", "MZ", "MZXW6YTB!", "MZ\tXQ", "ÉÉ",
    ])
    func decodeRefusesInvalidText(text: String) {
        #expect(Base32.decode(text) == nil)
    }

    @Test func roundTripsEveryLength() {
        var bytes: [UInt8] = []
        for length in 0..<64 {
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
            bytes.append(UInt8(truncatingIfNeeded: length &* 37 &+ 255))
        }
        let secret = (0..<20).map { _ in UInt8.random(in: 0...255) }
        #expect(Base32.decode(Base32.encode(secret)) == secret)
        #expect(Base32.encode(secret[2..<10]) == Base32.encode(Array(secret[2..<10])))
    }
}
