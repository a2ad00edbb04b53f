import Testing
import TillitTesting
import TillitIdentity
import TillitRPC

/// The password length floor (in characters) and ceiling (in bytes).
@Suite(.timeLimit(.minutes(5)))
struct PasswordPolicyTests {
    @Test func elevenCharactersAreRefused() {
        let error = #expect(throws: PasswordPolicyError.self) {
            try PasswordPolicy.validate("abcdefghijk")
        }
        #expect(error?.code == .tooShort)
        #expect(error?.message == "password must be at least 12 characters")
        #expect(error?.rpcError.code == .invalidArgument)
        #expect(error?.rpcError.message == "password must be at least 12 characters")
        #expect(throws: PasswordPolicyError.self) { try PasswordPolicy.validate("") }
    }

    @Test func twelveCharactersAreAccepted() throws {
        try PasswordPolicy.validate("abcdefghijkl")
    }

    @Test func bytesAreLimitedTo1024() throws {
        try PasswordPolicy.validate(String(repeating: "a", count: 1024))
        let error = #expect(throws: PasswordPolicyError.self) {
            try PasswordPolicy.validate(String(repeating: "a", count: 1025))
        }
        #expect(error?.code == .tooLong)
        #expect(error?.message == "password is longer than 1024 bytes")
        #expect(error?.rpcError.code == .invalidArgument)
        // 342 three-byte characters: 1026 bytes.
        #expect(throws: PasswordPolicyError.self) {
            try PasswordPolicy.validate(String(repeating: "\u{20AC}", count: 342))
        }
    }

    @Test func multiByteCharactersCountAsCharacters() throws {
        // 12 characters, 24 bytes.
        try PasswordPolicy.validate(String(repeating: "\u{E9}", count: 12))
        // 12 characters of 2 scalars each (e + combining acute).
        try PasswordPolicy.validate(String(repeating: "e\u{301}", count: 12))
        // 12 emoji, 48 bytes.
        try PasswordPolicy.validate(String(repeating: "\u{1F600}", count: 12))
        // 11 emoji, 44 bytes: still too short.
        let error = #expect(throws: PasswordPolicyError.self) {
            try PasswordPolicy.validate(String(repeating: "\u{1F600}", count: 11))
        }
        #expect(error?.code == .tooShort)
    }
}
