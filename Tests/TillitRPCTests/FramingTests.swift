import Foundation
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// Byte-level behaviour of the server's framing, over real loopback sockets: one test per
/// feature, with generous bounds. The exact cases (single-byte reads, limits, deadlines, idle
/// timeout, drain) run on an EmbeddedChannel in ServerConnectionHandlerTests.
@Suite(.timeLimit(.minutes(2))) struct FramingTests {
    private func echoPayload(_ text: String) throws -> Data {
        try echoRequest(text).serializedBytes()
    }

    private func echoText(_ frame: Tillit_Rpc_V1_Frame?) throws -> String? {
        guard let frame, frame.kind == .response, frame.status.code == 0 else { return nil }
        return try Tillit_Testing_V1_EchoResponse(serializedBytes: frame.payload).text
    }

    @Test func coalescedFramesInOneWrite() async throws {
        try await withEchoServer { server, _ in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            var bytes: [UInt8] = []
            for id in 1...5 {
                bytes += RawConnection.bytes(
                    of: RawConnection.request(callID: UInt64(id), payload: try echoPayload("c\(id)")))
            }
            // Half of a sixth frame too: it must wait for its remainder.
            let sixth = RawConnection.bytes(
                of: RawConnection.request(callID: 6, payload: try echoPayload("c6")))
            try await connection.send(bytes + sixth.prefix(5))
            var seen: [UInt64: String] = [:]
            for _ in 1...5 {
                let frame = try #require(await connection.next())
                seen[frame.callID] = try echoText(frame)
            }
            #expect(seen == [1: "c1", 2: "c2", 3: "c3", 4: "c4", 5: "c5"])
            try await connection.send(Array(sixth.dropFirst(5)))
            let last = await connection.next()
            #expect(last?.callID == 6)
            #expect(try echoText(last) == "c6")
        }
    }

    @Test func zeroLengthFrameIsIgnored() async throws {
        try await withEchoServer { server, _ in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            try await connection.send([0, 0, 0, 0, 0, 0, 0, 0])
            try await connection.send(RawConnection.request(callID: 1, payload: try echoPayload("after")))
            let response = await connection.next()
            #expect(try echoText(response) == "after")
        }
    }

    @Test func frameOfExactlyTheMaximumSizeIsAccepted() async throws {
        let limit = 256 * 1024
        // A generous frame read timeout: on the loaded CI machine the 256 KiB frame once took
        // longer than the default 10 s to arrive (DEADLINE_EXCEEDED); this test is about size.
        let configuration = RPCServerConfiguration(
            maximumFrameSize: limit, limits: RPCServerLimits(frameReadTimeout: .seconds(120)))
        try await withEchoServer(configuration: configuration) {
            server, _ in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            // Grow the payload until the frame body is exactly `limit` bytes.
            var payloadSize = limit - 64
            var frame = RawConnection.request(
                callID: 1, method: EchoService.length, payload: Data(count: payloadSize))
            while try (frame.serializedBytes() as [UInt8]).count < limit {
                payloadSize += 1
                frame.payload = Data(count: payloadSize)
            }
            #expect(try (frame.serializedBytes() as [UInt8]).count == limit)
            try await connection.send(frame)
            let response = try #require(await connection.next())
            #expect(response.status.code == 0)
            #expect(String(decoding: response.payload, as: UTF8.self) == String(payloadSize))

            // One byte more and the connection is refused.
            frame.payload = Data(count: payloadSize + 1)
            try await connection.send(frame)
            let goaway = try #require(await connection.next())
            #expect(goaway.kind == .goaway)
            #expect(goaway.status.code == StatusCode.resourceExhausted.rawValue)
            #expect(await connection.waitForClose())
        }
    }

    @Test func responseOverTheLimitBecomesResourceExhausted() async throws {
        let limit = 64 * 1024
        try await withEchoServer(configuration: RPCServerConfiguration(maximumFrameSize: limit)) {
            _, client in
            // A request within the limit whose answer is 1 KiB larger than the limit allows.
            let error = await expectRPCError(.resourceExhausted) {
                try await client.call(EchoService.grow, payload: Data(count: limit - 512))
            }
            #expect(error?.message.contains("exceeds the frame limit") == true)
            let after = try await client.unary(
                EchoService.echo, request: echoRequest("small"), response: Tillit_Testing_V1_EchoResponse.self
            )
            #expect(after.text == "small")
        }
    }

    @Test func garbageClosesOnlyThatConnection() async throws {
        try await withEchoServer { server, client in
            let port = try await server.localPort
            // A bystander connection with a call in flight.
            async let bystander = client.unary(
                EchoService.echo, request: echoRequest("bystander", delayMillis: 200),
                response: Tillit_Testing_V1_EchoResponse.self, options: CallOptions(timeout: .seconds(60)))
            var generator = SystemRandomNumberGenerator()
            for round in 0..<20 {
                let connection = try await RawConnection.connect(port: port)
                defer { connection.close() }
                // A plausible length, then bytes that are not a Frame: wire type 7 does not exist.
                var junk: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
                junk[0] = 0x0F | UInt8(round % 8) << 4
                try await connection.send([0, 0, 0, 32] + junk)
                let goaway = await connection.next()
                #expect(goaway?.kind == .goaway)
                #expect(goaway?.status.code == StatusCode.internalError.rawValue)
                #expect(await connection.waitForClose())
            }
            #expect(try await bystander.text == "bystander")
            let after = try await client.unary(
                EchoService.echo, request: echoRequest("after"), response: Tillit_Testing_V1_EchoResponse.self
            )
            #expect(after.text == "after")
        }
    }

    @Test func undecodablePayloadIsInternalAndConnectionSurvives() async throws {
        try await withEchoServer { server, _ in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            try await connection.send(
                RawConnection.request(callID: 1, payload: Data([0xFF, 0xFF, 0xFF, 0x07])))
            let failed = try #require(await connection.next())
            #expect(failed.callID == 1)
            #expect(failed.status.code == StatusCode.internalError.rawValue)
            #expect(failed.status.message.contains("decode"))
            try await connection.send(RawConnection.request(callID: 2, payload: try echoPayload("fine")))
            let ok = await connection.next()
            #expect(ok?.callID == 2)
            #expect(try echoText(ok) == "fine")
        }
    }

    @Test func pingIsAnsweredWithPong() async throws {
        try await withEchoServer { server, client in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            try await connection.send(FrameCodec.control(.ping, callID: 77))
            let pong = try #require(await connection.next())
            #expect(pong.kind == .pong)
            #expect(pong.callID == 77)
            // Generous: a busy machine may delay it; a missing PONG still fails the call.
            let rtt = try await client.ping(timeout: .seconds(30))
            #expect(rtt < .seconds(30))
        }
    }

    @Test func serverDeadlineAnswersDeadlineExceeded() async throws {
        let probe = Probe()
        try await withEchoServer(probe: probe) { server, _ in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            let payload = try echoRequest("sleepy", delayMillis: 60_000).serializedBytes() as Data
            try await connection.send(
                RawConnection.request(callID: 3, payload: payload, timeoutMicros: 100_000))
            let response = try #require(await connection.next(timeout: .seconds(30)))
            #expect(response.status.code == StatusCode.deadlineExceeded.rawValue)
            #expect(await probe.waitFor("cancelled:sleepy"))
        }
    }

    @Test func idleConnectionIsClosed() async throws {
        let configuration = RPCServerConfiguration(idleTimeout: .milliseconds(200))
        try await withEchoServer(configuration: configuration) { server, _ in
            let connection = try await RawConnection.connect(port: try await server.localPort)
            defer { connection.close() }
            let goaway = await connection.next(timeout: .seconds(30))
            #expect(goaway?.kind == .goaway)
            #expect(await connection.waitForClose(timeout: .seconds(30)))
        }
    }
}
