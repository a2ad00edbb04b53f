import Foundation
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// Calls through `RPCClient` against a real server on loopback.
@Suite(.timeLimit(.minutes(3))) struct CallTests {
    @Test func unaryCallRoundTrips() async throws {
        try await withEchoServer { _, client in
            var request = echoRequest("hej då — привет — cześć")
            request.data = Data([0, 1, 2, 255])
            let response = try await client.unary(
                EchoService.echo, request: request, response: Tillit_Testing_V1_EchoResponse.self)
            #expect(response.text == request.text)
            #expect(response.data == request.data)
        }
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let observer = RecordingObserver()
        try await withEchoServer(observers: [observer]) { _, client in
            let method = MethodDescriptor(service: "tillit.testing.v1.Echo", method: "Nope")
            let error = await expectRPCError(.unimplemented) {
                try await client.call(method, payload: Data())
            }
            #expect(error?.message.contains("/tillit.testing.v1.Echo/Nope") == true)
        }
        #expect(
            observer.all.contains { $0.code == .unimplemented && $0.path == "/tillit.testing.v1.Echo/Nope" })
    }

    @Test func handlerErrorStatusAndMessageAreReturned() async throws {
        try await withEchoServer { _, client in
            let error = await expectRPCError(.notFound) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("x", failCode: 5),
                    response: Tillit_Testing_V1_EchoResponse.self)
            }
            #expect(error?.message == "asked to fail: x")
        }
    }

    @Test func unexpectedHandlerErrorRevealsNothing() async throws {
        let observer = RecordingObserver()
        try await withEchoServer(observers: [observer]) { _, client in
            let error = await expectRPCError(.internalError) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("x", failCode: -1),
                    response: Tillit_Testing_V1_EchoResponse.self)
            }
            #expect(error?.message == "internal error")
            #expect(error?.description.contains("SELECT") == false)
        }
        // The cause stays on the server side, for its logs.
        let summary = try #require(observer.all.first { $0.code == .internalError })
        #expect(String(describing: summary.cause!).contains("SELECT"))
    }

    @Test func thousandConcurrentCallsOnOneConnectionAreMatched() async throws {
        let clientConfiguration = RPCClientConfiguration(connectionsPerPeer: 1)
        try await withEchoServer(clientConfiguration: clientConfiguration) { _, client in
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let request = echoRequest("call-\(index)", delayMillis: UInt32.random(in: 0...20))
                        let response = try await client.unary(
                            EchoService.echo, request: request, response: Tillit_Testing_V1_EchoResponse.self)
                        return (index, response.text)
                    }
                }
                var count = 0
                for try await (index, text) in group {
                    #expect(text == "call-\(index)")
                    count += 1
                }
                #expect(count == 1000)
            }
        }
    }

    @Test func clientDeadlineCancelsTheHandler() async throws {
        let probe = Probe()
        try await withEchoServer(probe: probe) { _, client in
            let started = ContinuousClock.now
            await expectRPCError(.deadlineExceeded) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("slow", delayMillis: 60_000),
                    response: Tillit_Testing_V1_EchoResponse.self,
                    options: CallOptions(timeout: .milliseconds(100)))
            }
            // Generous: the exact timing is covered on an EmbeddedChannel
            // (ClientConnectionHandlerTests, ServerConnectionHandlerTests).
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(await probe.waitFor("cancelled:slow"))
            #expect(!probe.events.contains("done:slow"))
        }
    }

    @Test func clientCancellationCancelsTheHandler() async throws {
        let probe = Probe()
        try await withEchoServer(probe: probe) { _, client in
            let task = Task {
                try await client.unary(
                    EchoService.echo, request: echoRequest("abandoned", delayMillis: 60_000),
                    response: Tillit_Testing_V1_EchoResponse.self)
            }
            #expect(await probe.waitFor("start:abandoned"))
            task.cancel()
            let started = ContinuousClock.now
            await expectRPCError(.cancelled) { try await task.value }
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(await probe.waitFor("cancelled:abandoned"))
        }
    }

    @Test func deadlineAndRequestIDPropagateToOutgoingCalls() async throws {
        try await withRPCServer(services: [EchoService()]) { downstream in
            let downstreamClient = RPCClient(host: "127.0.0.1", port: try await downstream.localPort)
            defer { downstreamClient.close() }
            try await withRPCServer(services: [EchoService(relayTarget: downstreamClient)]) { upstream in
                try await withRPCClient(host: "127.0.0.1", port: try await upstream.localPort) { client in
                    // Generous: the whole suite runs in parallel on 2 cores, with stalls of seconds.
                    var options = CallOptions(timeout: .seconds(20))
                    options.metadata[Metadata.Key.requestID] = "req-123"
                    options.metadata[Metadata.Key.traceparent] =
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
                    let response = try await client.unary(
                        EchoService.relay, request: echoRequest("relayed"),
                        response: Tillit_Testing_V1_EchoResponse.self,
                        options: options)
                    #expect(response.text == "relayed")
                    #expect(response.remainingMicros > 0)
                    #expect(response.remainingMicros <= 20_000_000)
                    #expect(response.seenMetadata.contains("x-request-id=req-123"))
                    #expect(
                        response.seenMetadata.contains { $0.hasPrefix("traceparent=00-0af7651916cd43dd") })
                }
            }
        }
    }

    @Test func requestIDIsReturnedAndGeneratedWhenAbsent() async throws {
        try await withEchoServer { _, client in
            let payload: Data = try echoRequest("id").serializedBytes()
            let generated = try await client.call(EchoService.echo, payload: payload)
            let id = try #require(generated.metadata[Metadata.Key.requestID])
            #expect(UUID(uuidString: id) != nil)

            let given = try await client.call(
                EchoService.echo, payload: payload,
                options: CallOptions(metadata: Metadata([("X-Request-ID", "abc")])))
            #expect(given.metadata[Metadata.Key.requestID] == "abc")

            // Ids that would be unsafe to log or pass on are replaced, not trusted.
            for unsafe in ["", "line\nbreak", "quote\"d", String(repeating: "x", count: 129)] {
                let answer = try await client.call(
                    EchoService.echo, payload: payload,
                    options: CallOptions(metadata: Metadata([("x-request-id", unsafe)])))
                let replaced = try #require(answer.metadata[Metadata.Key.requestID])
                #expect(replaced != unsafe)
                #expect(UUID(uuidString: replaced) != nil)
            }
        }
    }

    @Test func observersSeeEveryCallOnce() async throws {
        let observer = RecordingObserver()
        try await withEchoServer(observers: [observer]) { _, client in
            _ = try await client.unary(
                EchoService.echo, request: echoRequest("a"), response: Tillit_Testing_V1_EchoResponse.self)
            await expectRPCError(.deadlineExceeded) {
                try await client.unary(
                    EchoService.echo, request: echoRequest("b", delayMillis: 2_000),
                    response: Tillit_Testing_V1_EchoResponse.self,
                    options: CallOptions(timeout: .milliseconds(50)))
            }
            // The server sees the deadline pass on its own clock; give it time on a loaded machine.
            let giveUp = ContinuousClock.now + .seconds(30)
            while observer.all.count < 2 && ContinuousClock.now < giveUp {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(100))  // and nothing more comes
        }
        let codes = observer.all.map(\.code)
        #expect(codes.filter { $0 == .ok }.count == 1)
        #expect(codes.filter { $0 == .deadlineExceeded }.count == 1)
        #expect(codes.count == 2)
    }

    @Test func statusCodesHaveGRPCNumbers() {
        #expect(StatusCode.allCases.count == 17)
        #expect(StatusCode.allCases.map(\.rawValue) == Array(0...16))
        #expect(StatusCode(wireValue: 99) == .unknown)
        #expect(StatusCode.unauthenticated.description == "UNAUTHENTICATED")
    }
}
