import Crypto
import Foundation
import Testing

@testable import TillitServiceKit

/// The official v4.public test vectors (paseto-standard/test-vectors, v4.json) and the PAE
/// examples of the spec.
@Suite(.timeLimit(.minutes(2))) struct PASETOV4PublicTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var footer: String
        var implicitAssertion: String
        var token: String
        var testDescription: String { name }
    }

    static let seed = Data(hex: "b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774")
    static let publicKey = Data(hex: "1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2")
    static let message = #"{"data":"this is a signed message","exp":"2022-01-01T00:00:00+00:00"}"#
    static let kidFooter = #"{"kid":"zVhMiPBP9fRf2snEcT7gFTioeA9COcNy9DfgL1W60haN"}"#
    static let body =
        "eyJkYXRhIjoidGhpcyBpcyBhIHNpZ25lZCBtZXNzYWdlIiwiZXhwIjoiMjAyMi0wMS0wMVQwMDowMDowMCswMDowMCJ9"
    static let encodedKidFooter = "eyJraWQiOiJ6VmhNaVBCUDlmUmYyc25FY1Q3Z0ZUaW9lQTlDT2NOeTlEZmdMMVc2MGhhTiJ9"

    static let vectors: [Vector] = [
        Vector(
            name: "4-S-1", footer: "", implicitAssertion: "",
            token: "v4.public." + body
                + "bg_XBBzds8lTZShVlwwKSgeKpLT3yukTw6JUz3W4h_ExsQV-P0V54zemZDcAxFaSeef1QlXEFtkqxT1ciiQEDA"),
        Vector(
            name: "4-S-2", footer: kidFooter, implicitAssertion: "",
            token: "v4.public." + body
                + "v3Jt8mx_TdM2ceTGoqwrh4yDFn0XsHvvV_D0DtwQxVrJEBMl0F2caAdgnpKlt4p7xBnx1HcO-SPo8FPp214HDw."
                + encodedKidFooter),
        Vector(
            name: "4-S-3", footer: kidFooter, implicitAssertion: #"{"test-vector":"4-S-3"}"#,
            token: "v4.public." + body
                + "NPWciuD3d0o5eXJXG5pJy-DiVEoyPYWs1YSTwWHNJq6DZD3je5gf-0M4JR9ipdUSJbIovzmBECeaWmaqcaP0DQ."
                + encodedKidFooter),
    ]

    @Test(arguments: vectors)
    func officialVectorVerifies(_ vector: Vector) throws {
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: Self.publicKey)
        let message = try PASETOV4Public.verify(
            vector.token, implicitAssertion: Data(vector.implicitAssertion.utf8), key: key)
        #expect(String(decoding: message, as: UTF8.self) == Self.message)
        #expect(try PASETOV4Public.footer(of: vector.token) == Data(vector.footer.utf8))
        // The implicit assertion is signed: any other one fails.
        #expect(throws: TokenError.self) {
            try PASETOV4Public.verify(vector.token, implicitAssertion: Data("other".utf8), key: key)
        }
    }

    @Test(arguments: vectors)
    func signingReproducesTheOfficialVector(_ vector: Vector) throws {
        let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.seed)
        #expect(privateKey.publicKey.rawRepresentation == Self.publicKey)
        let token = try PASETOV4Public.sign(
            message: Data(Self.message.utf8), footer: Data(vector.footer.utf8),
            implicitAssertion: Data(vector.implicitAssertion.utf8), key: privateKey)
        // Ed25519 (RFC 8032) signatures are deterministic with BoringSSL; CryptoKit on Apple
        // platforms randomises them, so there only the round trip is checked.
        #if !canImport(Darwin)
        #expect(token == vector.token)
        #endif
        let message = try PASETOV4Public.verify(
            token, implicitAssertion: Data(vector.implicitAssertion.utf8), key: privateKey.publicKey)
        #expect(message == Data(Self.message.utf8))
    }

    /// 4-F-1, 4-F-3, 4-F-4: tokens of another version or purpose; 4-F-2: a v4.public token whose
    /// signature does not verify.
    @Test func officialFailureVectorsFail() throws {
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: Self.publicKey)
        let wrongPurposeOrVersion = [
            "v4.local.vngXfCISbnKgiP6VWGuOSlYrFYU300fy9ijW33rznDYgxHNPwWluAY2Bgb0z54CUs6aYYkIJ-bOOOmJHPuX_34Agt_IPlNdGDpRdGNnBz2MpWJvB3cttheEc1uyCEYltj7wBQQYX.YXJiaXRyYXJ5LXN0cmluZy10aGF0LWlzbid0LWpzb24",
            "v3.local.23e_2PiqpQBPvRFKzB0zHhjmxK3sKo2grFZRRLM-U7L0a8uHxuF9RlVz3Ic6WmdUUWTxCaYycwWV1yM8gKbZB2JhygDMKvHQ7eBf8GtF0r3K0Q_gF1PXOxcOgztak1eD1dPe9rLVMSgR0nHJXeIGYVuVrVoLWQ.YXJiaXRyYXJ5LXN0cmluZy10aGF0LWlzbid0LWpzb24",
            "v4.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAr68PS4AXe7If_ZgesdkUMvSwscFlAl1pk5HC0e8kApeaqMfGo_7OpBnwJOAbY9V7WU6abu74MmcUE8YWAiaArVI8XJ5hOb_4v9RmDkneN0S92dx0OW4pgy7omxgf3S8c3LlQh",
        ]
        for token in wrongPurposeOrVersion {
            let error = #expect(throws: TokenError.self) { try PASETOV4Public.verify(token, key: key) }
            #expect(error?.code == .malformed)
        }
        let badSignature =
            "v4.public.eyJpbnZhbGlkIjoidGhpcyBzaG91bGQgbmV2ZXIgZGVjb2RlIn22Sp4gjCaUw0c7EH84ZSm_jN_Qr41MrgLNu5LIBCzUr1pn3Z-Wukg9h3ceplWigpoHaTLcwxj0NsI1vjTh67YB."
            + Self.encodedKidFooter
        let error = #expect(throws: TokenError.self) {
            try PASETOV4Public.verify(
                badSignature, implicitAssertion: Data(#"{"test-vector":"4-F-2"}"#.utf8), key: key)
        }
        #expect(error?.code == .badSignature)
    }

    @Test func preAuthenticationEncodingMatchesTheSpec() {
        #expect(PASETOV4Public.preAuthenticationEncoding([]) == Data([0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(
            PASETOV4Public.preAuthenticationEncoding([Data()])
                == Data([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(
            PASETOV4Public.preAuthenticationEncoding([Data("test".utf8)])
                == Data([1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]) + Data("test".utf8))
        // Several pieces: each length precedes its bytes.
        #expect(
            PASETOV4Public.preAuthenticationEncoding([Data("ab".utf8), Data("c".utf8)])
                == Data([
                    2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x62, 1, 0, 0, 0, 0, 0, 0, 0, 0x63,
                ]))
    }

    @Test func roundTripWithAndWithoutFooter() throws {
        let key = Curve25519.Signing.PrivateKey()
        let plain = try PASETOV4Public.sign(message: Data("hello".utf8), footer: Data(), key: key)
        #expect(plain.hasPrefix("v4.public."))
        #expect(!plain.dropFirst("v4.public.".count).contains("."))
        #expect(try PASETOV4Public.verify(plain, key: key.publicKey) == Data("hello".utf8))
        #expect(try PASETOV4Public.footer(of: plain) == Data())

        let footed = try PASETOV4Public.sign(message: Data("hello".utf8), footer: Data("f".utf8), key: key)
        #expect(try PASETOV4Public.verify(footed, key: key.publicKey) == Data("hello".utf8))
        #expect(try PASETOV4Public.footer(of: footed) == Data("f".utf8))

        // Another key's public key refuses it.
        let error = #expect(throws: TokenError.self) {
            try PASETOV4Public.verify(footed, key: Curve25519.Signing.PrivateKey().publicKey)
        }
        #expect(error?.code == .badSignature)
    }

    @Test func theFooterIsSigned() throws {
        let key = Curve25519.Signing.PrivateKey()
        let token = try PASETOV4Public.sign(
            message: Data("m".utf8), footer: Data(#"{"kid":"a"}"#.utf8), key: key)
        let body = token.split(separator: ".")[2]
        let swapped = "v4.public.\(body).\(Base64URL.encode(Data(#"{"kid":"b"}"#.utf8)))"
        let error = #expect(throws: TokenError.self) {
            try PASETOV4Public.verify(swapped, key: key.publicKey)
        }
        #expect(error?.code == .badSignature)
        // Dropping the footer breaks the signature too.
        let dropped = "v4.public.\(body)"
        #expect(throws: TokenError.self) { try PASETOV4Public.verify(dropped, key: key.publicKey) }
    }

    @Test func base64URLIsStrict() {
        for bytes in [[], [0], [0, 1], [0, 1, 2], [0xFF, 0xFE, 0xFD, 0xFC], Array(0...255)] as [[UInt8]] {
            #expect(Base64URL.decode(Array(Base64URL.encode(bytes).utf8)) == bytes)
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode(Array("-_8".utf8)) == [0xFB, 0xFF])
        // Padding, the standard alphabet, whitespace, an impossible length, non-canonical bits.
        for text in ["AA==", "AAA=", "+/8", "A A", "AAAAA", "-_9", "AB", "\u{e9}AA"] {
            #expect(Base64URL.decode(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
