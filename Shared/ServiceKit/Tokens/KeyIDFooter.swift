import Foundation

/// The footer of an access token: `{"kid":"<key id>"}`, naming the key that signed it.
struct KeyIDFooter: Codable, Hashable {
    /// The signing key's id.
    var kid: String

    /// The footer's JSON bytes.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The footer of a token, or a `malformed` error.
    static func decode(_ footer: Data) throws -> KeyIDFooter {
        do {
            return try JSONDecoder().decode(KeyIDFooter.self, from: footer)
        } catch {
            throw TokenError(code: .malformed, message: "the token's footer is not {\"kid\":…}", cause: error)
        }
    }
}
