import Foundation
import NIOPosix
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// The same behaviour with handlers started on the connection's event loop
/// (`handlersOnEventLoop`), where a handler that never suspends answers within the read.
@Suite(.timeLimit(.minutes(2))) struct EventLoopHandlerTests {
    private let configuration = RPCServerConfiguration(handlersOnEventLoop: true)

    @Test func answersSynchronousAndSuspendingHandlers() async throws {
        try await withEchoServer(configuration: configuration) { _, client in
            let quick = try await client.unary(
                EchoService.echo, request: echoRequest("quick"), response: Tillit_Testing_V1_EchoResponse.self
            )
            #expect(quick.text == "quick")
            let slow = try await client.unary(
                EchoService.echo, request: echoRequest("slow", delayMillis: 20),
                response: Tillit_Testing_V1_EchoResponse.self)
            #expect(slow.text == "slow")
            await expectRPCError(.notFound) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("x", failCode: 5),
                    response: Tillit_Testing_V1_EchoResponse.self)
            }
        }
    }

    @Test func manyConcurrentCallsAreMatched() async throws {
        try await withEchoServer(
            configuration: configuration, clientConfiguration: RPCClientConfiguration(connectionsPerPeer: 1)
        ) {
            _, client in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        let request = echoRequest(
                            "n\(index)", delayMillis: index % 3 == 0 ? UInt32.random(in: 1...10) : 0)
                        return try await client.unary(
                            EchoService.echo, request: request, response: Tillit_Testing_V1_EchoResponse.self
                        ).text == "n\(index)"
                    }
                }
                var matched = 0
                for try await ok in group where ok { matched += 1 }
                #expect(matched == 500)
            }
        }
    }

    @Test func deadlineCancelsTheHandler() async throws {
        let probe = Probe()
        try await withEchoServer(configuration: configuration, probe: probe) { _, client in
            await expectRPCError(.deadlineExceeded) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("late", delayMillis: 60_000),
                    response: Tillit_Testing_V1_EchoResponse.self,
                    options: CallOptions(timeout: .milliseconds(100)))
            }
            #expect(await probe.waitFor("cancelled:late"))
        }
    }

    @Test func callerOnTheEventLoopGetsItsAnswer() async throws {
        try await withEchoServer(configuration: configuration) { server, _ in
            let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
            let client = RPCClient(
                host: "127.0.0.1", port: try await server.localPort, eventLoopGroup: eventLoop)
            defer { client.close() }
            try await withTaskExecutorPreference(EventLoopExecutor(eventLoop)) {
                for index in 0..<50 {
                    let response = try await client.unary(
                        EchoService.echo, request: echoRequest("el\(index)"),
                        response: Tillit_Testing_V1_EchoResponse.self)
                    #expect(response.text == "el\(index)")
                    #expect(eventLoop.inEventLoop)
                }
            }
        }
    }
}
