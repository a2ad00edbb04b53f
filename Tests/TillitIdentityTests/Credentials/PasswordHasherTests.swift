import Foundation
import Synchronization
import Testing
import TillitIdentity
import TillitRPC
import TillitTesting

/// scrypt hashing and verification, admission limits and rehash decisions.
@Suite(.timeLimit(.minutes(5)))
struct PasswordHasherTests {
    /// Cheap parameters (1 MiB) so the tests run quickly.
    static let fast = PasswordParameters(n: 1024, r: 8, p: 1)

    /// Runs `body` with a hasher and shuts it down afterwards.
    static func withHasher<T>(
        _ parameters: PasswordParameters = fast, maxConcurrent: Int = 2, maxQueued: Int = 64,
        _ body: (PasswordHasher) async throws -> T
    ) async throws -> T {
        let hasher = PasswordHasher(
            parameters: parameters, maxConcurrent: maxConcurrent, maxQueued: maxQueued)
        do {
            let result = try await body(hasher)
            try await hasher.shutdown()
            return result
        } catch {
            try await hasher.shutdown()
            throw error
        }
    }

    @Test func verifiesTheRightPasswordAndRefusesAWrongOne() async throws {
        try await Self.withHasher { hasher in
            let stored = try await hasher.hash("correct horse battery staple")
            #expect(stored.algorithm == "scrypt")
            #expect(stored.parameters == Self.fast)
            #expect(stored.salt.count == 16)
            #expect(stored.hash.count == 32)
            #expect(try await hasher.verify("correct horse battery staple", against: stored))
            #expect(try await !hasher.verify("correct horse battery stapler", against: stored))
            #expect(try await !hasher.verify("", against: stored))
        }
    }

    @Test func saltsAndHashesDifferPerHash() async throws {
        try await Self.withHasher { hasher in
            let first = try await hasher.hash("same password here")
            let second = try await hasher.hash("same password here")
            #expect(first.salt != second.salt)
            #expect(first.hash != second.hash)
            #expect(try await hasher.verify("same password here", against: first))
            #expect(try await hasher.verify("same password here", against: second))
        }
    }

    /// RFC 7914 §12, third vector: the derivation is standard scrypt over the UTF-8 bytes.
    @Test func matchesTheRFC7914Vector() async throws {
        let expected = Data(
            hex: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        let stored = PasswordHash(
            parameters: PasswordParameters(n: 1024, r: 8, p: 16, length: 64), salt: Data("NaCl".utf8),
            hash: expected)
        try await Self.withHasher { hasher in
            let right = try await hasher.verify("password", against: stored)
            let wrong = try await hasher.verify("Password", against: stored)
            #expect(right)
            #expect(!wrong)
        }
    }

    @Test func emptyPasswordHashesAndVerifies() async throws {
        try await Self.withHasher { hasher in
            let stored = try await hasher.hash("")
            #expect(try await hasher.verify("", against: stored))
            #expect(try await !hasher.verify(" ", against: stored))
        }
    }

    @Test func canonicallyEquivalentPasswordsVerify() async throws {
        try await Self.withHasher { hasher in
            let stored = try await hasher.hash("caf\u{E9} au lait, s'il vous pla\u{EE}t")
            #expect(try await hasher.verify("cafe\u{301} au lait, s'il vous plai\u{302}t", against: stored))
        }
    }

    @Test func needsRehashWhenParametersOrAlgorithmDiffer() async throws {
        try await Self.withHasher { hasher in
            let stored = try await hasher.hash("a long enough password")
            #expect(!hasher.needsRehash(stored))

            var weaker = stored
            weaker.parameters.n = 512
            #expect(hasher.needsRehash(weaker))

            var shorter = stored
            shorter.parameters.length = 16
            #expect(hasher.needsRehash(shorter))

            var otherAlgorithm = stored
            otherAlgorithm.algorithm = "bcrypt"
            #expect(hasher.needsRehash(otherAlgorithm))

            var shortSalt = stored
            shortSalt.salt = Data(count: 8)
            #expect(hasher.needsRehash(shortSalt))
        }
        try await Self.withHasher(PasswordParameters(n: 2048, r: 8, p: 1)) { stronger in
            let stored = PasswordHash(parameters: Self.fast, salt: Data(count: 16), hash: Data(count: 32))
            #expect(stronger.needsRehash(stored))
        }
    }

    @Test func verifyRefusesUnusableStoredHashes() async throws {
        try await Self.withHasher { hasher in
            let stored = try await hasher.hash("a long enough password")

            var otherAlgorithm = stored
            otherAlgorithm.algorithm = "argon2id"
            let algorithmError = await #expect(throws: PasswordHasherError.self) {
                try await hasher.verify("a long enough password", against: otherAlgorithm)
            }
            #expect(algorithmError?.code == .invalidParameters)

            var noSalt = stored
            noSalt.salt = Data()
            let saltError = await #expect(throws: PasswordHasherError.self) {
                try await hasher.verify("a long enough password", against: noSalt)
            }
            #expect(saltError?.code == .invalidParameters)

            var badParameters = stored
            badParameters.parameters.n = 1000
            let parametersError = await #expect(throws: PasswordHasherError.self) {
                try await hasher.verify("a long enough password", against: badParameters)
            }
            #expect(parametersError?.code == .invalidParameters)
            #expect(parametersError?.rpcError.code == .internalError)
            #expect(parametersError?.rpcError.message == "internal error")
        }
    }

    @Test func hashRefusesInvalidConfiguredParameters() async throws {
        try await Self.withHasher(PasswordParameters(n: 1024, r: 32, p: 1)) { hasher in
            let error = await #expect(throws: PasswordHasherError.self) {
                try await hasher.hash("a long enough password")
            }
            #expect(error?.code == .invalidParameters)
            let dummyError = await #expect(throws: PasswordHasherError.self) {
                try await hasher.dummyVerify("a long enough password")
            }
            #expect(dummyError?.code == .invalidParameters)
        }
    }

    @Test func dummyVerifyRuns() async throws {
        try await Self.withHasher { hasher in
            try await hasher.dummyVerify("whatever was typed")
            #expect(hasher.inFlight == 0)
        }
    }

    @Test func refusesBeyondTheQueueLimit() async throws {
        let slow = PasswordParameters(n: 1 << 14, r: 8, p: 1)
        try await Self.withHasher(slow, maxConcurrent: 1, maxQueued: 0) { hasher in
            let results = await withTaskGroup(of: Result<PasswordHash, any Error>.self) { group in
                for _ in 0..<3 {
                    group.addTask { await Result { try await hasher.hash("a long enough password") } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            var succeeded = 0
            var overloaded = 0
            for result in results {
                switch result {
                case .success: succeeded += 1
                case .failure(let error as PasswordHasherError) where error.code == .overloaded:
                    overloaded += 1
                    #expect(error.rpcError.code == .resourceExhausted)
                    #expect(error.rpcError.message == "too many logins at once; try again shortly")
                    #expect(RPCError.boundary(error).code == .resourceExhausted)
                case .failure(let error):
                    Issue.record("unexpected error \(error)")
                }
            }
            #expect(succeeded >= 1)
            #expect(overloaded >= 1)
            #expect(succeeded + overloaded == 3)
            #expect(hasher.inFlight == 0)
            // The slot is free again.
            _ = try await hasher.hash("a long enough password")
        }
    }

    /// The attack: one source floods the hasher's queue and every other source's login waits
    /// behind all of it (or is refused). Now one source may queue at most `maxQueuedPerSource`
    /// and a free thread serves the waiting sources in turn: a second source's derivation runs
    /// after at most one more of the flooder's (plus the one running), whatever the flood.
    @Test func aFloodingSourceDoesNotStarveAnotherSource() async throws {
        let slow = PasswordParameters(n: 1 << 14, r: 8, p: 1)
        try await Self.withHasher(slow, maxConcurrent: 1, maxQueued: 64) { hasher in
            #expect(hasher.maxQueuedPerSource == 8)
            let finished = Box<[String]>([])
            let refused = Box(0)
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            try await hasher.dummyVerify("flood", source: "flooder")
                            finished.withLock { $0.append("flooder") }
                            return ("flooder", true)
                        } catch {
                            refused.withLock { $0 += 1 }
                            return ("flooder", false)
                        }
                    }
                }
                // Every flood derivation is admitted (one running, eight waiting) or refused
                // before the other source asks.
                #expect(
                    await eventually {
                        refused.withLock { $0 } + finished.withLock { $0.count } + hasher.inFlight == 20
                    })
                let doneBefore = finished.withLock { $0.count }
                group.addTask {
                    do {
                        try await hasher.dummyVerify("mine", source: "someone else")
                        finished.withLock { $0.append("someone else") }
                        return ("someone else", true)
                    } catch {
                        return ("someone else", false)
                    }
                }
                var results: [(String, Bool)] = []
                for await result in group { results.append(result) }
                return (results, doneBefore)
            }
            let (outcomes, doneBefore) = results
            let flood = outcomes.filter { $0.0 == "flooder" }
            // At most one running and eight waiting at a time (more only if some finished while
            // the flood was still being admitted): the rest are refused, the source's queue is full.
            #expect(flood.filter(\.1).count <= 9 + doneBefore)
            #expect(flood.filter { !$0.1 }.count >= 11 - doneBefore)
            #expect(outcomes.contains { $0.0 == "someone else" && $0.1 }, "the other source is admitted")
            let order = finished.withLock { $0 }
            let position = try #require(order.firstIndex(of: "someone else"))
            // Served after the running derivation and at most one queued one of the flooder's (one
            // more if the running one finished just as it asked), never behind the whole flood.
            #expect(
                position - doneBefore <= 3,
                "finished \(position) of \(order.count), \(doneBefore) before asking")
            #expect(hasher.inFlight == 0)
        }
    }

    @Test func failsAfterShutdown() async throws {
        let hasher = PasswordHasher(parameters: Self.fast, maxConcurrent: 1, maxQueued: 1)
        try await hasher.shutdown()
        let error = await #expect(throws: PasswordHasherError.self) {
            try await hasher.hash("a long enough password")
        }
        #expect(error?.code == .hashingFailed)
        #expect(hasher.inFlight == 0)
    }

    /// The production parameters (~128 MiB) work. One derivation only: it takes several
    /// seconds in a debug build.
    @Test func standardParametersWork() async throws {
        try await Self.withHasher(.standard, maxConcurrent: 1) { hasher in
            #expect(hasher.parameters == .standard)
            let stored = try await hasher.hash("a long enough password")
            #expect(stored.parameters == .standard)
            #expect(stored.salt.count == 16)
            #expect(stored.hash.count == 32)
            #expect(!hasher.needsRehash(stored))
        }
    }
}

/// A value shared by the tasks of a test.
private final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing closure.
    fileprivate init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

extension Data {
    /// Bytes from lower-case hex text (test vectors only).
    fileprivate init(hex: String) {
        let digits = Array(hex.utf8)
        self.init(
            stride(from: 0, to: digits.count, by: 2).map { index in
                UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
            })
    }
}
