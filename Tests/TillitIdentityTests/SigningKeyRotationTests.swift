import Foundation
import GRDB
import Testing
import TillitContracts
import TillitServiceKit
import TillitTesting

@testable import TillitIdentity

/// Rotation of the signing key: once however many logins find it due, never a database write
/// on the caller's thread while the key is young.
@Suite(.timeLimit(.minutes(3))) struct SigningKeyRotationTests {
    private func withRing<T>(
        rotation: Duration = .seconds(600),
        _ body: (SigningKeyRing, IdentityDatabase, TestClock) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { directory in
            let database = try IdentityDatabase.open(
                path: directory.appendingPathComponent("identity.db").path, auditKeys: TestDatabase.auditKeys,
                logger: quietLogger)
            defer { try? database.close() }
            let clock = TestClock()
            let ring = try SigningKeyRing(
                database: database, dataDirectory: directory.path, rotation: rotation,
                tokenLifetime: .seconds(900), now: { clock.now() })
            return try await body(ring, database, clock)
        }
    }

    private func keyCount(_ database: IdentityDatabase) async throws -> Int {
        try await database.reader.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM signing_keys") ?? -1
        }
    }

    @Test func concurrentCallersFindingTheKeyDueRotateItOnce() async throws {
        try await withRing { ring, database, clock in
            let first = try await ring.signer().keyID
            #expect(try await keyCount(database) == 1)
            clock.advance(seconds: 601)
            let keyIDs = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<64 { group.addTask { try await ring.signer().keyID } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keyIDs.count == 1)
            #expect(!keyIDs.contains(first))
            #expect(try await keyCount(database) == 2)
            #expect(ring.publishedKeys().count == 2)
        }
    }

    @Test func aYoungKeyIsReturnedWithoutTouchingTheDatabase() async throws {
        try await withRing { ring, database, _ in
            let expected = try await ring.signer().keyID
            // Hold the only writer: a signer() that wrote (or waited on the database) would block.
            let release = AsyncStream<Void>.makeStream()
            let holding = Task {
                try await database.writer.write { _ in
                    let semaphore = DispatchSemaphore(value: 0)
                    Task {
                        for await _ in release.stream {}; semaphore.signal()
                    }
                    semaphore.wait()
                }
            }
            defer { release.continuation.finish() }
            try await Task.sleep(for: .milliseconds(50))
            let started = ContinuousClock.now
            for _ in 0..<1000 { #expect(try await ring.signer().keyID == expected) }
            #expect(ContinuousClock.now - started < .seconds(5))
            release.continuation.finish()
            try await holding.value
        }
    }
}
