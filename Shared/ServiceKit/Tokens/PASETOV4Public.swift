import Crypto
import Foundation

/// PASETO v4.public tokens (Ed25519 signatures over a pre-authentication encoding), as the spec
/// defines them: https://github.com/paseto-standard/paseto-spec (Version4.md).
///
/// A token is `v4.public.` + base64url(message ‖ signature), then `.` + base64url(footer) when
/// the footer is not empty. The signature covers the header, message, footer and an implicit
/// assertion that is never sent.
public enum PASETOV4Public {
    /// The header every v4.public token starts with.
    public static let header = "v4.public."

    /// The length of an Ed25519 signature.
    static let signatureLength = 64

    private static let headerBytes = Data(header.utf8)

    /// A token carrying `message` and `footer`, signed with `key`.
    public static func sign(
        message: Data, footer: Data, implicitAssertion: Data = Data(),
        key: Curve25519.Signing.PrivateKey
    ) throws -> String {
        let signed = preAuthenticationEncoding([headerBytes, message, footer, implicitAssertion])
        let signature = try key.signature(for: signed)
        var token = header + Base64URL.encode(message + signature)
        if !footer.isEmpty {
            token += "." + Base64URL.encode(footer)
        }
        return token
    }

    /// Splits a token without verifying: the unverified footer (to pick the key).
    public static func footer(of token: String) throws -> Data {
        try parse(token).footer
    }

    /// The verified message; throws TokenError on any malformation or bad signature.
    public static func verify(
        _ token: String, implicitAssertion: Data = Data(), key: Curve25519.Signing.PublicKey
    ) throws -> Data {
        try verify(parse(token), implicitAssertion: implicitAssertion, key: key)
    }

    /// The message of a parsed token if its signature verifies with `key`.
    static func verify(
        _ parts: Parts, implicitAssertion: Data = Data(), key: Curve25519.Signing.PublicKey
    ) throws -> Data {
        let signed = preAuthenticationEncoding([headerBytes, parts.message, parts.footer, implicitAssertion])
        guard key.isValidSignature(parts.signature, for: signed) else {
            throw TokenError(code: .badSignature, message: "the token's signature does not verify")
        }
        return parts.message
    }

    /// PAE: the count of `pieces`, then each piece's length and bytes, lengths as little-endian
    /// 64-bit integers with the top bit cleared.
    static func preAuthenticationEncoding(_ pieces: [Data]) -> Data {
        var output = Data()
        output.reserveCapacity(8 + pieces.reduce(0) { $0 + 8 + $1.count })
        appendLE64(UInt64(pieces.count), to: &output)
        for piece in pieces {
            appendLE64(UInt64(piece.count), to: &output)
            output.append(piece)
        }
        return output
    }

    private static func appendLE64(_ value: UInt64, to output: inout Data) {
        withUnsafeBytes(of: (value & 0x7FFF_FFFF_FFFF_FFFF).littleEndian) { output.append(contentsOf: $0) }
    }

    /// The decoded parts of a token whose structure is valid (nothing verified yet).
    struct Parts {
        var message: Data
        var signature: Data
        var footer: Data
    }

    /// The parts of `token`; throws `malformed` unless it is a v4.public token in canonical
    /// unpadded base64url.
    static func parse(_ token: String) throws -> Parts {
        let bytes = token.utf8
        guard bytes.starts(with: header.utf8) else {
            throw TokenError(code: .malformed, message: "the token is not a v4.public PASETO")
        }
        let rest = bytes.dropFirst(header.utf8.count)
        let sections = rest.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard sections.count == 1 || sections.count == 2 else {
            throw TokenError(code: .malformed, message: "the token has too many sections")
        }
        guard let body = Base64URL.decode(sections[0]) else {
            throw TokenError(code: .malformed, message: "the token's body is not unpadded base64url")
        }
        guard body.count >= signatureLength else {
            throw TokenError(code: .malformed, message: "the token's body is too short to hold a signature")
        }
        var footer = Data()
        if sections.count == 2 {
            // An empty footer is sent as no section at all, never as a trailing dot.
            guard !sections[1].isEmpty, let decoded = Base64URL.decode(sections[1]) else {
                throw TokenError(code: .malformed, message: "the token's footer is not unpadded base64url")
            }
            footer = Data(decoded)
        }
        let split = body.count - signatureLength
        return Parts(message: Data(body[..<split]), signature: Data(body[split...]), footer: footer)
    }
}
