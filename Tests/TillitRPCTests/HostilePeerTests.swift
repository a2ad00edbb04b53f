import Foundation
import NIOCore
import NIOPosix
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// Hostile peers over real loopback sockets (issue 9, "RPC exhaustion"): a peer that sends calls
/// and pings and never reads its answers, and peers opening more connections than allowed. The
/// exact rules run on an EmbeddedChannel in ServerLimitsTests; the server's RSS under each
/// attack is measured by `tillit-bench hostile` (docs/security.md).
@Suite(.timeLimit(.minutes(3))) struct HostilePeerTests {
    /// A peer that writes and never reads (autoRead off, small socket buffers).
    private struct SilentPeer {
        let channel: any Channel

        static func connect(port: Int) async throws -> SilentPeer {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelOption(.socketOption(.so_rcvbuf), value: 64 * 1024)
                .channelOption(.socketOption(.so_sndbuf), value: 64 * 1024)
                .connect(host: "127.0.0.1", port: port).get()
            return SilentPeer(channel: channel)
        }

        /// Writes `bytes`; false if the kernel has not taken them all within `patience`.
        func write(_ bytes: ByteBuffer, patience: Duration) async -> Bool {
            // Polled, not awaited: a write the server never takes must not hold the test.
            let written = Completion(channel.writeAndFlush(bytes))
            let end = ContinuousClock.now + patience
            while !written.isDone, ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(5))
            }
            return written.isDone && written.error == nil
        }
    }

    /// One MiB of `Grow` calls (each answered with 1 KiB more than it sent) and 1,000 pings.
    private func attackBatch(startingAt callID: inout UInt64) -> ByteBuffer {
        var buffer = ByteBuffer()
        for _ in 0..<64 {
            callID += 1
            let request = RawConnection.request(
                callID: callID, method: EchoService.grow, payload: Data(count: 16 * 1024))
            buffer.writeImmutableBuffer(FrameCodec.encode(request))
        }
        for ping in 0..<1000 {
            buffer.writeImmutableBuffer(FrameCodec.encode(FrameCodec.control(.ping, callID: UInt64(ping))))
        }
        return buffer
    }

    @Test func peerThatNeverReadsIsNotReadFromAndOthersAreServed() async throws {
        try await withEchoServer { server, client in
            let port = try await server.localPort
            let peer = try await SilentPeer.connect(port: port)
            defer { peer.channel.close(promise: nil) }
            // Without backpressure the server reads all 256 MiB and keeps every answer in memory;
            // with it, the server stops reading once its answers are not read, and the peer's
            // writes stall after what the socket buffers and one read cycle hold.
            var callID: UInt64 = 0
            var accepted = 0
            var stalled = false
            while accepted < 256 * 1024 * 1024 {
                let batch = attackBatch(startingAt: &callID)
                guard await peer.write(batch, patience: .seconds(3)) else {
                    stalled = true
                    break
                }
                accepted += batch.readableBytes
            }
            #expect(stalled, "the server kept reading from a peer that reads nothing")
            #expect(accepted < 64 * 1024 * 1024, "accepted \(accepted) bytes from a peer that reads nothing")

            // A good client on another connection is answered meanwhile.
            let response = try await client.unary(
                EchoService.echo, request: echoRequest("still here"),
                response: Tillit_Testing_V1_EchoResponse.self)
            #expect(response.text == "still here")
        }
    }

    private func expectServed(_ connection: RawConnection, _ comment: Comment? = nil) async throws {
        try await connection.send(FrameCodec.control(.ping, callID: 1))
        #expect(await connection.next()?.kind == .pong, comment)
    }

    @Test func connectionsOverThePerSourceCapAreClosedAtOnce() async throws {
        let limits = RPCServerLimits(maximumConnections: 100, maximumConnectionsPerSource: 3)
        try await withEchoServer(configuration: RPCServerConfiguration(limits: limits)) { server, _ in
            let port = try await server.localPort
            var admitted: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try await RawConnection.connect(port: port)
                try await expectServed(connection)
                admitted.append(connection)
            }
            defer { admitted.forEach { $0.close() } }
            let refused = try await RawConnection.connect(port: port)
            defer { refused.close() }
            #expect(await refused.waitForClose(), "a fourth connection from one address is closed")
            #expect(server.admittedConnections == 3)

            // Another source address has its own count.
            let other = try await RawConnection.connect(port: port, from: "127.0.0.2")
            defer { other.close() }
            try await expectServed(other, "another source is admitted")

            // A closed connection frees its slot.
            admitted.removeFirst().close()
            #expect(await eventually { server.admittedConnections == 3 })
            let again = try await RawConnection.connect(port: port)
            defer { again.close() }
            try await expectServed(again, "the freed slot is usable")
        }
    }

    @Test func connectionsOverTheServerCapAreClosedAtOnce() async throws {
        let limits = RPCServerLimits(maximumConnections: 2, maximumConnectionsPerSource: 10)
        try await withEchoServer(configuration: RPCServerConfiguration(limits: limits)) { server, _ in
            let port = try await server.localPort
            let first = try await RawConnection.connect(port: port)
            defer { first.close() }
            let second = try await RawConnection.connect(port: port, from: "127.0.0.2")
            defer { second.close() }
            try await expectServed(first)
            try await expectServed(second)
            for source in ["127.0.0.1", "127.0.0.3"] {
                let refused = try await RawConnection.connect(port: port, from: source)
                defer { refused.close() }
                #expect(await refused.waitForClose(), "a third connection (from \(source)) is closed")
            }
            #expect(server.admittedConnections == 2)
            try await expectServed(first, "the admitted connections are unaffected")
        }
    }
    @Test func incompleteFramesOverTheServerBudgetAreRefusedWhileOthersAreServed() async throws {
        // A budget of 1 MiB; each holder sends 400 KiB of a 1 MiB frame and stops.
        let limits = RPCServerLimits(frameReadTimeout: .seconds(120), maximumPartialFrameBytes: 1024 * 1024)
        try await withEchoServer(configuration: RPCServerConfiguration(limits: limits)) { server, client in
            let port = try await server.localPort
            var prefix = ByteBuffer()
            prefix.writeInteger(UInt32(1024 * 1024))
            let held = Array(prefix.readableBytesView) + [UInt8](repeating: 0, count: 400 * 1024)
            var holders: [RawConnection] = []
            defer { holders.forEach { $0.close() } }
            for count in 1...2 {
                let holder = try await RawConnection.connect(port: port, from: "127.0.0.2")
                try await holder.send(held)
                holders.append(holder)
                #expect(await eventually { server.partialFrameBytes == count * held.count })
            }
            // The third and fourth would take the total over 1 MiB: refused and closed.
            for _ in 3...4 {
                let refused = try await RawConnection.connect(port: port, from: "127.0.0.3")
                defer { refused.close() }
                try? await refused.send(held)
                let goaway = await refused.next()
                #expect(goaway?.kind == .goaway)
                #expect(goaway?.status.code == StatusCode.resourceExhausted.rawValue)
                #expect(await refused.waitForClose())
            }
            #expect(await eventually { server.partialFrameBytes == 2 * held.count })
            // A good client is served, also with a frame that arrives in pieces within the budget.
            let response = try await client.unary(
                EchoService.echo, request: echoRequest("served"),
                response: Tillit_Testing_V1_EchoResponse.self)
            #expect(response.text == "served")
            let good = try await RawConnection.connect(port: port)
            defer { good.close() }
            let call = RawConnection.bytes(
                of: RawConnection.request(
                    callID: 7, method: EchoService.length, payload: Data(count: 100 * 1024)))
            try await good.send(Array(call[..<(50 * 1024)]))
            #expect(await eventually { server.partialFrameBytes == 2 * held.count + 50 * 1024 })
            try await good.send(Array(call[(50 * 1024)...]))
            let answer = await good.next()
            #expect(answer?.callID == 7)
            #expect(answer.map { String(decoding: $0.payload, as: UTF8.self) } == String(100 * 1024))
            // The holders' bytes are released when they go.
            holders.forEach { $0.close() }
            #expect(await eventually { server.partialFrameBytes == 0 })
        }
    }
}
