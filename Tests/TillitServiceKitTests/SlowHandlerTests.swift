import Foundation
import GRDB
import Logging
import NIOPosix
import Synchronization
import Testing
import TillitRPC
import TillitServiceKit
import TillitStorage
import TillitTesting

/// Handlers start on the connection's event loop by default; one that waits — on a long SQLite
/// write through the database's async API, or on another service — suspends and leaves the
/// event loop to every other connection. The server here has ONE event loop, so a blocked loop
/// would answer nothing until the slow call is released: the fast calls are required to finish
/// while it is still held (no timing involved).
@Suite(.timeLimit(.minutes(5)))
struct SlowHandlerTests {
    private static let slow = MethodDescriptor(service: "tillit.testing.v1.Slow", method: "Slow")
    private static let fast = MethodDescriptor(service: "tillit.testing.v1.Slow", method: "Fast")
    private static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A latch a thread or a task can wait on; released once.
    final class Latch: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let released = Mutex(false)
        func release() {
            let first = released.withLock { done in
                defer { done = true }
                return !done
            }
            if first { semaphore.signal() }
        }
        /// Blocks the calling thread (a database or test thread, never an event loop).
        func waitBlocking() { semaphore.wait() }
        var isReleased: Bool { released.withLock { $0 } }
    }

    /// `Slow` runs `wait` and answers; `Fast` answers at once.
    struct SlowService: RPCService {
        let entered: Latch
        let wait: @Sendable () async throws -> Void
        var methods: [RPCMethod] {
            [
                RPCMethod(SlowHandlerTests.slow) { _, _ in
                    entered.release()
                    try await wait()
                    return Data("slow".utf8)
                },
                RPCMethod(SlowHandlerTests.fast) { payload, _ in payload },
            ]
        }
    }

    /// Starts the one-loop server with `wait` behind `Slow`, calls it from one connection and, once
    /// it is waiting, makes 20 calls of `Fast` from another; `release` lets `Slow` finish.
    private func expectFastCallsWhileSlowWaits(
        release: Latch, wait: @escaping @Sendable () async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await expectFastCalls(on: group, release: release, wait: wait)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private func expectFastCalls(
        on group: MultiThreadedEventLoopGroup, release: Latch,
        wait: @escaping @Sendable () async throws -> Void
    ) async throws {
        let entered = Latch()
        // What every service runs: its ServiceConfiguration's server configuration.
        var configuration = try ServiceConfiguration(
            service: .booking, environment: ["TILLIT_BOOKING_ADDR": "127.0.0.1:0", "TILLIT_TLS": "off"]
        ).serverConfiguration
        #expect(configuration.handlersOnEventLoop)
        configuration.shutdownGracePeriod = .seconds(1)
        let server = RPCServer(
            configuration: configuration, services: [SlowService(entered: entered, wait: wait)],
            logger: Self.logger, eventLoopGroup: group)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            defer { release.release() }
            let port = try await server.localPort
            let slowClient = RPCClient(host: "127.0.0.1", port: port)
            let fastClient = RPCClient(host: "127.0.0.1", port: port)
            defer {
                slowClient.close()
                fastClient.close()
            }
            // Generous: the whole suite runs in parallel on 2 cores. The slow call's deadline runs
            // while the fast calls are made, so it gets the most.
            let options = CallOptions(timeout: .seconds(60))
            let slowCall = Task {
                try await slowClient.call(
                    Self.slow, payload: Data(), options: CallOptions(timeout: .seconds(240))
                )
                .payload
            }
            try await onOwnThread { entered.waitBlocking() }
            for index in 0..<20 {
                let payload = Data("fast \(index)".utf8)
                let answer = try await fastClient.call(Self.fast, payload: payload, options: options)
                #expect(answer.payload == payload)
            }
            #expect(!release.isReleased, "every fast call was answered while the slow one still waited")
            release.release()
            #expect(try await slowCall.value == Data("slow".utf8))
            server.beginGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aLongSQLiteWriteDoesNotDelayAnotherConnection() async throws {
        var migrations = Migrations()
        migrations.register("v1") { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        try await withTestDatabase(migrations: migrations) { database in
            let release = Latch()
            try await expectFastCallsWhileSlowWaits(release: release) {
                // The write holds the writer (a GRDB thread) until released.
                try await database.write { db in
                    release.waitBlocking()
                    try db.execute(sql: "INSERT INTO t VALUES (1)")
                }
            }
            let count = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
            #expect(count == 1)
        }
    }

    @Test func waitingOnAnotherServiceDoesNotDelayAnotherConnection() async throws {
        // The other service answers only when released.
        let release = Latch()
        let downstreamEntered = Latch()
        try await withRPCServer(
            services: [
                SlowService(entered: downstreamEntered) { try await onOwnThread { release.waitBlocking() } }
            ], logger: Self.logger
        ) { downstream in
            let client = RPCClient(host: "127.0.0.1", port: try await downstream.localPort)
            defer { client.close() }
            try await expectFastCallsWhileSlowWaits(release: release) {
                _ = try await client.call(
                    Self.slow, payload: Data(), options: CallOptions(timeout: .seconds(240)))
            }
        }
    }
}
