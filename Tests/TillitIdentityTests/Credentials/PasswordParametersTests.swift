import Foundation
import Testing
import TillitTesting
import TillitIdentity

/// scrypt parameters: the standard set, their JSON form and validation.
@Suite(.timeLimit(.minutes(5)))
struct PasswordParametersTests {
    @Test func standardIsTheDocumentedSet() throws {
        let standard = PasswordParameters.standard
        #expect(standard.n == 131_072)
        #expect(standard.r == 8)
        #expect(standard.p == 1)
        #expect(standard.length == 32)
        #expect(standard.memoryBytes == 128 * 8 * (131_072 + 2))
        try standard.validate()
    }

    @Test func jsonHasSortedKeysAndRoundTrips() throws {
        #expect(PasswordParameters.standard.json == #"{"length":32,"n":131072,"p":1,"r":8}"#)
        let custom = PasswordParameters(n: 1024, r: 4, p: 2, length: 64)
        #expect(custom.json == #"{"length":64,"n":1024,"p":2,"r":4}"#)
        #expect(try PasswordParameters(json: custom.json) == custom)
        #expect(try PasswordParameters(json: PasswordParameters.standard.json) == .standard)
        // Key order and whitespace do not matter when reading.
        #expect(try PasswordParameters(json: #"{ "r": 8, "p": 1, "n": 131072, "length": 32 }"#) == .standard)
        // The JSON agrees with Codable.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(custom), as: UTF8.self) == custom.json)
    }

    @Test(arguments: [
        "",
        "{",
        "[]",
        "null",
        #"{"n":1024,"r":8,"p":1}"#,
        #"{"length":32,"n":"1024","p":1,"r":8}"#,
        #"{"length":32,"n":1024.5,"p":1,"r":8}"#,
        #"{"length":32,"n":1000,"p":1,"r":8}"#,
        #"{"length":32,"n":1,"p":1,"r":8}"#,
        #"{"length":32,"n":1024,"p":0,"r":8}"#,
        #"{"length":32,"n":1024,"p":1,"r":0}"#,
        #"{"length":8,"n":1024,"p":1,"r":8}"#,
        #"{"length":32,"n":2097152,"p":1,"r":8}"#,
        #"{"length":32,"n":1024,"p":1,"r":32}"#,
        #"{"length":32,"n":-1024,"p":1,"r":8}"#,
    ])
    func malformedOrInvalidJSONIsRefused(json: String) {
        let error = #expect(throws: PasswordHasherError.self) {
            try PasswordParameters(json: json)
        }
        #expect(error?.code == .invalidParameters)
    }

    @Test func validationLimits() throws {
        try PasswordParameters(n: 2, r: 1, p: 1, length: 16).validate()
        try PasswordParameters(n: 1 << 19, r: 8, p: 16, length: 64).validate()
        try PasswordParameters(n: 1024, r: 16, p: 1).validate()

        let refused = [
            PasswordParameters(n: 1 << 20, r: 8, p: 1),  // 1 GiB + 2 KiB of memory
            PasswordParameters(n: 1024, r: 17, p: 1),  // beyond swift-crypto's memory budget
            PasswordParameters(n: 1 << 16, r: 1, p: 1),  // n must be below 2^(16r)
            PasswordParameters(n: 1024, r: 8, p: 17),
            PasswordParameters(n: 1024, r: 8, p: 1, length: 65),
            PasswordParameters(n: 1024, r: 8, p: 1, length: 15),
            PasswordParameters(n: 0, r: 8, p: 1),
            PasswordParameters(n: Int.min, r: 8, p: 1),
            PasswordParameters(n: 1 << 62, r: Int.max, p: 1),
        ]
        for parameters in refused {
            let error = #expect(throws: PasswordHasherError.self, "\(parameters)") {
                try parameters.validate()
            }
            #expect(error?.code == .invalidParameters)
        }
    }
}
