import Foundation
import NIOCore
import NIOPosix
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// Server shutdown, peer loss and reconnection.
@Suite(.timeLimit(.minutes(2))) struct LifecycleTests {
    @Test func gracefulShutdownFinishesInFlightCallsAndRefusesNewOnes() async throws {
        let probe = Probe()
        let server = RPCServer(services: [EchoService(probe: probe)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localPort
            try await withRPCClient(host: "127.0.0.1", port: port) { (client) async throws in
                async let inFlight = client.unary(
                    EchoService.echo, request: echoRequest("in-flight", delayMillis: 400),
                    response: Tillit_Testing_V1_EchoResponse.self)
                #expect(await probe.waitFor("start:in-flight"))
                server.beginGracefulShutdown()
                // New calls are refused: the listener is closed and the connection said GOAWAY.
                await expectRPCError(.unavailable) {
                    try await client.unary(
                        EchoService.echo, request: echoRequest("late"),
                        response: Tillit_Testing_V1_EchoResponse.self)
                }
                #expect(try await inFlight.text == "in-flight")
            }
            try await group.waitForAll()
        }
        #expect(!probe.events.contains("start:late"))
    }

    @Test func gracePeriodCancelsCallsThatOutlastIt() async throws {
        let probe = Probe()
        let server = RPCServer(
            configuration: RPCServerConfiguration(shutdownGracePeriod: .milliseconds(100)),
            services: [EchoService(probe: probe)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await withRPCClient(host: "127.0.0.1", port: try await server.localPort) { client in
                let stuck = Task {
                    try await client.unary(
                        EchoService.echo, request: echoRequest("stuck", delayMillis: 60_000),
                        response: Tillit_Testing_V1_EchoResponse.self)
                }
                #expect(await probe.waitFor("start:stuck"))
                let started = ContinuousClock.now
                server.beginGracefulShutdown()
                await expectRPCError(.unavailable) { try await stuck.value }
                // Generous; the exact grace period is tested on an EmbeddedChannel.
                #expect(ContinuousClock.now - started < .seconds(30))
            }
            try await group.waitForAll()
        }
        #expect(await probe.waitFor("cancelled:stuck"))
    }

    @Test func peerLostMidCallIsUnavailableAndClientReconnects() async throws {
        // The port stays ours while nothing listens, so the restart below cannot lose it.
        let reservation = try RefusingPort(reusable: true)
        defer { withExtendedLifetime(reservation) {} }
        // A "server" that accepts and then dies without answering, like a process killed -9.
        let group = MultiThreadedEventLoopGroup.singleton
        let crashing = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CloseOnFirstRead())
                }
            }
            .bind(host: "127.0.0.1", port: reservation.port).get()
        let port = reservation.port
        let client = RPCClient(
            host: "127.0.0.1", port: port,
            configuration: RPCClientConfiguration(
                initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100)))
        defer { client.close() }

        await expectRPCError(.unavailable) {
            try await client.unary(
                EchoService.echo, request: echoRequest("lost"), response: Tillit_Testing_V1_EchoResponse.self)
        }
        try await crashing.close()
        // Nothing listens now.
        await expectRPCError(.unavailable) {
            try await client.unary(
                EchoService.echo, request: echoRequest("down"), response: Tillit_Testing_V1_EchoResponse.self)
        }

        // The service comes back on the same port; the same client gets through again.
        try await withRPCServer(configuration: RPCServerConfiguration(port: port), services: [EchoService()])
        { _ in
            let end = ContinuousClock.now + .seconds(5)
            var answer: String?
            while answer == nil, ContinuousClock.now < end {
                do {
                    answer = try await client.unary(
                        EchoService.echo, request: echoRequest("back"),
                        response: Tillit_Testing_V1_EchoResponse.self
                    ).text
                } catch let error as RPCError where error.code == .unavailable {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(answer == "back")
        }
    }

    @Test func unreachablePeerFailsFastWithUnavailable() async throws {
        // Bound but not listening: connections are refused, and no other test can take it.
        let reserved = try RefusingPort()
        defer { withExtendedLifetime(reserved) {} }
        try await withRPCClient(host: "127.0.0.1", port: reserved.port) { client in
            let started = ContinuousClock.now
            for _ in 0..<3 {
                let error = await expectRPCError(.unavailable) {
                    try await client.unary(
                        EchoService.echo, request: echoRequest("x"),
                        response: Tillit_Testing_V1_EchoResponse.self)
                }
                // Refused at once, or refused fast while backing off — never a connect timeout.
                let cause = error?.cause.map { String(describing: $0) } ?? ""
                #expect(!cause.localizedCaseInsensitiveContains("timeout"), "\(cause)")
                #expect(
                    cause.localizedCaseInsensitiveContains("refused")
                        || error?.message.contains("is unreachable") == true,
                    "\(error?.message ?? "") \(cause)")
            }
            // Sanity bound only (the machine may be busy); the checks above are the real test.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test func callAfterIdleGoAwayUsesANewConnection() async throws {
        // Not shorter: on a loaded machine (CI, 600 tests in parallel on two cores) a new
        // connection went idle between its set-up and its first call with 1 s, so the retry on
        // a fresh connection was refused too.
        let configuration = RPCServerConfiguration(idleTimeout: .seconds(3))
        try await withEchoServer(configuration: configuration) { _, client in
            for round in 0..<3 {
                let text = try await client.unary(
                    EchoService.echo, request: echoRequest("round \(round)"),
                    response: Tillit_Testing_V1_EchoResponse.self
                ).text
                #expect(text == "round \(round)")
                // Long enough for the server to close the idle connection with GOAWAY.
                try await Task.sleep(for: .milliseconds(3_600))
            }
        }
    }

    @Test func concurrentFirstCallsShareTheConnectionAttempt() async throws {
        try await withEchoServer { _, client in
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await client.unary(
                            EchoService.echo, request: echoRequest("first \(index)"),
                            response: Tillit_Testing_V1_EchoResponse.self
                        ).text
                    }
                }
                var answered = 0
                for try await _ in group { answered += 1 }
                #expect(answered == 200)
            }
        }
    }

    @Test func closedClientRefusesCalls() async throws {
        try await withEchoServer { _, client in
            client.close()
            await expectRPCError(.unavailable) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("x"), response: Tillit_Testing_V1_EchoResponse.self
                )
            }
        }
    }
}

private final class CloseOnFirstRead: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }
}
