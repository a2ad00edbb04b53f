import Crypto
import Foundation
import Testing
import TillitRPC
import TillitServiceKit

/// AES-256-GCM sealing of secrets with versioned keys and a bound context.
@Suite(.timeLimit(.minutes(1)))
struct SecretBoxTests {
    static let secret = Data("JBSWY3DPEHPK3PXP secret bytes".utf8)

    @Test func roundTrips() throws {
        let box = try SecretBox(keys: [1: SymmetricKey(size: .bits256)], currentVersion: 1)
        #expect(box.currentVersion == 1)
        let (ciphertext, version) = try box.seal(Self.secret, context: "account-42")
        #expect(version == 1)
        #expect(ciphertext.count == 12 + Self.secret.count + 16)
        #expect(try box.open(ciphertext, keyVersion: version, context: "account-42") == Self.secret)
        // A fresh nonce each time.
        #expect(try box.seal(Self.secret, context: "account-42").ciphertext != ciphertext)
        // Empty plaintexts and byte arrays work too.
        let empty = try box.seal([UInt8](), context: "account-42")
        #expect(try box.open(empty.ciphertext, keyVersion: empty.keyVersion, context: "account-42").isEmpty)
    }

    @Test func wrongContextFails() throws {
        let box = try SecretBox(keys: [1: SymmetricKey(size: .bits256)], currentVersion: 1)
        let (ciphertext, version) = try box.seal(Self.secret, context: "account-42")
        let error = #expect(throws: SecretBoxError.self) {
            try box.open(ciphertext, keyVersion: version, context: "account-43")
        }
        #expect(error?.code == .cannotOpen)
        #expect(error?.rpcError.code == .internalError)
        #expect(throws: SecretBoxError.self) { try box.open(ciphertext, keyVersion: version, context: "") }
    }

    @Test func everyTamperedByteFails() throws {
        let box = try SecretBox(keys: [1: SymmetricKey(size: .bits256)], currentVersion: 1)
        let (ciphertext, version) = try box.seal(Self.secret, context: "account-42")
        for index in ciphertext.indices {
            var tampered = ciphertext
            tampered[index] ^= 0x01
            let error = #expect(throws: SecretBoxError.self) {
                try box.open(tampered, keyVersion: version, context: "account-42")
            }
            #expect(error?.code == .cannotOpen)
        }
        for malformed in [Data(), Data(count: 27), ciphertext.dropLast()] {
            let error = #expect(throws: SecretBoxError.self) {
                try box.open(Data(malformed), keyVersion: version, context: "account-42")
            }
            #expect(error?.code == .cannotOpen)
        }
    }

    @Test func unknownVersionFails() throws {
        let box = try SecretBox(keys: [1: SymmetricKey(size: .bits256)], currentVersion: 1)
        let (ciphertext, _) = try box.seal(Self.secret, context: "account-42")
        let error = #expect(throws: SecretBoxError.self) {
            try box.open(ciphertext, keyVersion: 2, context: "account-42")
        }
        #expect(error?.code == .unknownKeyVersion)
    }

    @Test func oldVersionOpensAfterRotation() throws {
        let old = SymmetricKey(size: .bits256)
        let new = SymmetricKey(size: .bits256)
        let before = try SecretBox(keys: [1: old], currentVersion: 1)
        let sealedBefore = try before.seal(Self.secret, context: "account-42")

        let after = try SecretBox(keys: [1: old, 2: new], currentVersion: 2)
        #expect(after.keyVersions == [1, 2])
        #expect(try after.open(sealedBefore.ciphertext, keyVersion: 1, context: "account-42") == Self.secret)
        let sealedAfter = try after.seal(Self.secret, context: "account-42")
        #expect(sealedAfter.keyVersion == 2)
        #expect(try after.open(sealedAfter.ciphertext, keyVersion: 2, context: "account-42") == Self.secret)
        // Under the wrong version's key it does not open.
        #expect(throws: SecretBoxError.self) {
            try after.open(sealedAfter.ciphertext, keyVersion: 1, context: "account-42")
        }
        // The old box does not know version 2.
        #expect(throws: SecretBoxError.self) {
            try before.open(sealedAfter.ciphertext, keyVersion: 2, context: "account-42")
        }
    }

    @Test func refusesBadKeySets() {
        let missing = #expect(throws: SecretBoxError.self) {
            try SecretBox(keys: [1: SymmetricKey(size: .bits256)], currentVersion: 2)
        }
        #expect(missing?.code == .unknownKeyVersion)
        let empty = #expect(throws: SecretBoxError.self) { try SecretBox(keys: [:], currentVersion: 1) }
        #expect(empty?.code == .unknownKeyVersion)
        let short = #expect(throws: SecretBoxError.self) {
            try SecretBox(
                keys: [1: SymmetricKey(size: .bits256), 2: SymmetricKey(size: .bits128)], currentVersion: 1)
        }
        #expect(short?.code == .invalidKey)
    }
}
