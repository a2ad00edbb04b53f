import Foundation
import Testing
import TillitServiceKit

/// RFC 6238 TOTP codes, matching with skew and replay protection, and provisioning URIs.
@Suite(.timeLimit(.minutes(2))) struct TOTPTests {
    static let totp = TOTP(secret: Array("12345678901234567890".utf8))

    /// RFC 6238 Appendix B, SHA-1: the last 6 digits of the 8-digit codes.
    @Test(arguments: [
        (Int64(59), "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ])
    func matchesTheRFC6238Vectors(time: Int64, eightDigits: String) {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        let step = TOTP.step(at: date)
        #expect(step == time / 30)
        let code = Self.totp.code(step: step)
        #expect(code == String(eightDigits.suffix(6)))
        #expect(Self.totp.match(code, at: date, window: 0, after: nil) == step)
    }

    @Test func stepIsTheFloorOfUnixTimeOverThirty() {
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 0)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 29.999)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 30)) == 1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -1)) == -1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -30)) == -1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -30.5)) == -2)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: .infinity)) == .max)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: .nan)) == 0)
    }

    @Test func codesAreZeroPadded() {
        // RFC 6238 vector at 1111111109: "07081804" → "081804".
        #expect(Self.totp.code(step: 37_037_036) == "081804")
        for step in Int64(0)..<200 {
            let code = Self.totp.code(step: step)
            #expect(code.utf8.count == 6)
            #expect(code.utf8.allSatisfy { (48...57).contains($0) })
        }
        #expect(Self.totp.code(step: -1).utf8.count == 6)
    }

    @Test func oneStepOfSkewIsAcceptedTwoAreNot() {
        let date = Date(timeIntervalSince1970: 1_234_567_890)
        let now = TOTP.step(at: date)
        for offset in Int64(-1)...1 {
            #expect(Self.totp.match(Self.totp.code(step: now + offset), at: date, after: nil) == now + offset)
        }
        #expect(Self.totp.match(Self.totp.code(step: now + 2), at: date, after: nil) == nil)
        #expect(Self.totp.match(Self.totp.code(step: now - 2), at: date, after: nil) == nil)
        #expect(Self.totp.match(Self.totp.code(step: now - 2), at: date, window: 2, after: nil) == now - 2)
        #expect(Self.totp.match(Self.totp.code(step: now + 1), at: date, window: 0, after: nil) == nil)
        #expect(Self.totp.match(Self.totp.code(step: now), at: date, window: -5, after: nil) == now)
    }

    @Test func usedStepsAreNotAcceptedAgain() {
        let date = Date(timeIntervalSince1970: 1_234_567_890)
        let now = TOTP.step(at: date)
        let code = Self.totp.code(step: now)
        #expect(Self.totp.match(code, at: date, after: now - 1) == now)
        #expect(Self.totp.match(code, at: date, after: now) == nil)
        #expect(Self.totp.match(code, at: date, after: now + 1) == nil)
        // A code from the previous step is refused once a later one has been used.
        #expect(Self.totp.match(Self.totp.code(step: now - 1), at: date, after: now - 1) == nil)
    }

    @Test func wrongCodesAreRefused() {
        let date = Date(timeIntervalSince1970: 1_234_567_890)
        let now = TOTP.step(at: date)
        let window = Set((now - 1...now + 1).map { Self.totp.code(step: $0) })
        let wrong = (0..<1_000_000).lazy.map { String(format: "%06d", $0) }.first { !window.contains($0) }
        #expect(wrong != nil)
        #expect(Self.totp.match(wrong ?? "", at: date, after: nil) == nil)
        // Another secret's code does not match.
        let other = TOTP(secret: Array("another secret bytes".utf8))
        if !window.contains(other.code(step: now)) {
            #expect(Self.totp.match(other.code(step: now), at: date, after: nil) == nil)
        }
    }

    @Test(arguments: [
        "00592", "0059240", "", "00592a", "0059 4", " 005924", "005924 ", "-05924", "+05924",
        "\u{FF10}\u{FF10}\u{FF15}\u{FF19}\u{FF12}\u{FF14}", "\u{0660}05924", "89005924",
    ])
    func malformedCodesAreRefused(code: String) {
        // "005924" is the valid code at this time.
        let date = Date(timeIntervalSince1970: 1_234_567_890)
        #expect(Self.totp.match("005924", at: date, after: nil) != nil)
        #expect(Self.totp.match(code, at: date, window: 1, after: nil) == nil)
    }

    @Test func generatedSecretsAreTwentyRandomBytes() {
        let first = TOTP.generateSecret()
        let second = TOTP.generateSecret()
        #expect(first.count == 20)
        #expect(second.count == 20)
        #expect(first != second)
    }

    @Test func provisioningURIEncodesIssuerAndAccount() {
        let uri = Self.totp.provisioningURI(issuer: "Tillit Inc", account: "alice@example.com")
        #expect(
            uri == "otpauth://totp/Tillit%20Inc:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=Tillit%20Inc&algorithm=SHA1&digits=6&period=30")
        let tricky = Self.totp.provisioningURI(issuer: "A:B&C", account: "j\u{F6}rg+1/x?y=z")
        let expected =
            "otpauth://totp/A%3AB%26C:j%C3%B6rg%2B1%2Fx%3Fy%3Dz?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            + "&issuer=A%3AB%26C&algorithm=SHA1&digits=6&period=30"
        #expect(tricky == expected)
        #expect(URLComponents(string: tricky)?.queryItems?.first { $0.name == "issuer" }?.value == "A:B&C")
    }
}
