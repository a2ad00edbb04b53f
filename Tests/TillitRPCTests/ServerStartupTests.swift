import Foundation
import NIOCore
import NIOPosix
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// Every path of a server's and a client's life completes what it waits on: a port that cannot
/// be bound, shutdown before `run()`, a server never run, a peer that goes away or a client shut
/// down with calls pending. Real sockets; the bounds are generous.
@Suite(.timeLimit(.minutes(2))) struct ServerStartupTests {
    @Test func portInUseThrowsListenErrorAndDoesNotCrash() async throws {
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(taken.localAddress?.port)
        defer { taken.close(promise: nil) }

        let server = RPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: port), services: [EchoService()],
            logger: quietLogger)
        do {
            try await server.run()
            Issue.record("run() returned although port \(port) is taken")
        } catch let error as ListenError {
            #expect(error.reason == "address in use")
            #expect(error.host == "127.0.0.1")
            #expect(error.port == port)
            #expect(error.description == "cannot listen on 127.0.0.1:\(port): address in use")
            #expect(error.cause is IOError)
        }
        // Those waiting for the address learn it too.
        await #expect(throws: ListenError.self) { _ = try await server.localPort }
        await #expect(throws: ListenError.self) { _ = try await server.localAddress }
        // Shutting down a server that never listened is harmless.
        server.beginGracefulShutdown()
    }

    @Test func withRPCServerRethrowsTheListenError() async throws {
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(taken.localAddress?.port)
        defer { taken.close(promise: nil) }
        let error = await #expect(throws: ListenError.self) {
            try await withRPCServer(
                configuration: RPCServerConfiguration(port: port), services: [EchoService()],
                logger: quietLogger
            ) { _ in
                Issue.record("body ran although the port is taken")
            }
        }
        #expect(error?.reason == "address in use")
    }

    @Test func listenErrorReasons() {
        let host = "10.9.8.7"
        func reason(_ code: Int32) -> String {
            ListenError(host: host, port: 1, cause: IOError(errnoCode: code, reason: "bind")).reason
        }
        #expect(reason(EADDRINUSE) == "address in use")
        #expect(reason(EACCES) == "permission denied")
        #expect(reason(EADDRNOTAVAIL) == "address not available")
        #expect(reason(ENOENT) == String(cString: strerror(ENOENT)))
        #expect(
            ListenError(host: host, port: 80, cause: IOError(errnoCode: EACCES, reason: "bind")).description
                == "cannot listen on 10.9.8.7:80: permission denied")
    }

    @Test func serverDroppedWithoutRunningDoesNotCrash() async throws {
        for _ in 0..<10 {
            _ = RPCServer(services: [EchoService()], logger: quietLogger)
        }
        // With a waiter for its address that gives up.
        let server = RPCServer(services: [EchoService()], logger: quietLogger)
        let waiter = Task { try await server.localPort }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiter.value }
    }

    @Test func shutdownBeforeRunMakesRunReturnAtOnce() async throws {
        let server = RPCServer(services: [EchoService()], logger: quietLogger)
        let waiter = Task { try await server.localPort }
        server.beginGracefulShutdown()
        let started = ContinuousClock.now
        try await server.run()
        #expect(ContinuousClock.now - started < .seconds(10))
        await expectRPCError(.unavailable, "address of a server shut down before it bound") {
            try await waiter.value
        }
        await expectRPCError(.unavailable) { try await server.localPort }
    }

    @Test func cancellingRunBeforeItBindsStopsIt() async throws {
        let server = RPCServer(services: [EchoService()], logger: quietLogger)
        let run = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await server.run()
        }
        // It may bind before it sees the cancellation; either way it stops and returns.
        try await run.value
        server.beginGracefulShutdown()
    }

    @Test func callsPendingWhenThePeerGoesAwayFailUnavailable() async throws {
        let peer = try await BlackHoleServer.start()
        let client = RPCClient(
            host: "127.0.0.1", port: peer.port, configuration: RPCClientConfiguration(connectionsPerPeer: 2))
        defer { client.close() }
        try await withThrowingTaskGroup(of: RPCError?.self) { group in
            addPendingEchoCalls(8, on: client, to: &group)
            #expect(await peer.waitForFrames(8))
            await peer.stop()
            var codes: [StatusCode?] = []
            for try await error in group { codes.append(error?.code) }
            #expect(codes == Array(repeating: .unavailable, count: 8))
        }
    }

    @Test func clientClosedWithCallsPendingCompletesThem() async throws {
        let peer = try await BlackHoleServer.start()
        let client = RPCClient(host: "127.0.0.1", port: peer.port)
        try await withThrowingTaskGroup(of: RPCError?.self) { group in
            addPendingEchoCalls(8, on: client, to: &group)
            #expect(await peer.waitForFrames(8))
            client.close()
            var codes: [StatusCode?] = []
            for try await error in group { codes.append(error?.code) }
            #expect(codes == Array(repeating: .unavailable, count: 8))
        }
        await expectRPCError(.unavailable) {
            try await client.unary(
                EchoService.echo, request: echoRequest("after close"),
                response: Tillit_Testing_V1_EchoResponse.self)
        }
        await peer.stop()
    }
}

/// Starts `count` Echo calls on `client` that wait up to 60 s; each child returns the call's
/// `RPCError` (nil if it succeeded).
private func addPendingEchoCalls(
    _ count: Int, on client: RPCClient, to group: inout ThrowingTaskGroup<RPCError?, any Error>
) {
    for index in 0..<count {
        group.addTask {
            do {
                _ = try await client.unary(
                    EchoService.echo, request: echoRequest("pending \(index)"),
                    response: Tillit_Testing_V1_EchoResponse.self, options: CallOptions(timeout: .seconds(60))
                )
                return nil
            } catch let error as RPCError {
                return error
            }
        }
    }
}
