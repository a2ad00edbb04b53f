import Foundation
import NIOCore
import Testing

@testable import TillitRPC

/// The limits a peer meets before any token is checked (issue 9, "RPC exhaustion"), on an
/// `EmbeddedChannel` with time moved by hand: backpressure, the frame read timeout, metadata and
/// method path caps. Each test reproduces the attack; the old server read on, waited for the
/// idle timeout, decoded every entry or echoed every byte.
@Suite(.timeLimit(.minutes(1))) struct ServerLimitsTests {
    private let nanosecond = TimeAmount.nanoseconds(1)

    /// Counts the `read()` calls that reach the head of the pipeline (the socket).
    private final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = NIOAny
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    private func text(_ frame: Tillit_Rpc_V1_Frame?) -> String? {
        guard let frame, frame.kind == .response, frame.status.code == 0 else { return nil }
        return String(decoding: frame.payload, as: UTF8.self)
    }

    private func setWritable(_ server: EmbeddedServer, _ writable: Bool) {
        server.channel.isWritable = writable
        server.channel.pipeline.fireChannelWritabilityChanged()
        server.channel.embeddedEventLoop.run()
    }

    // MARK: Backpressure

    @Test func unwritableChannelIsNotReadFromAndItsFramesWait() throws {
        let server = try EmbeddedServer()
        let counter = ReadCounter()
        try server.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        server.channel.read()
        #expect(counter.reads == 1)

        setWritable(server, false)
        server.channel.read()
        #expect(counter.reads == 1, "no read() while the peer does not read what it was sent")
        // What was already read waits too: a ping and a call, in one read.
        try server.send(
            RawConnection.bytes(of: FrameCodec.control(.ping, callID: 5))
                + RawConnection.bytes(
                    of: RawConnection.request(callID: 6, method: GateService.quick, payload: Data("q".utf8))))
        #expect(try server.next() == nil)
        server.channel.read()
        #expect(counter.reads == 1)

        setWritable(server, true)
        let answered = try server.drain()
        #expect(answered.map(\.kind) == [.pong, .response])
        #expect(text(answered.last) == "q")
        #expect(counter.reads == 2, "the held read() goes out once the channel is writable again")
        server.channel.read()
        #expect(counter.reads == 3)
        #expect(server.isActive)
    }

    @Test func framesHeldWhileUnwritableAreProcessedInOrder() throws {
        let server = try EmbeddedServer()
        setWritable(server, false)
        for id in 1...3 {
            try server.request(UInt64(id), GateService.quick, "h\(id)")
        }
        #expect(try server.next() == nil)
        #expect(server.observer.all.isEmpty, "no call starts while the channel is not writable")
        setWritable(server, true)
        #expect(try server.drain().map { text($0) } == ["h1", "h2", "h3"])
        // Once writable, frames are processed as they come.
        try server.request(4, GateService.quick, "h4")
        #expect(text(try server.next()) == "h4")
    }

    // MARK: Frame read timeout

    @Test func partialFrameClosesTheConnectionExactlyAtTheReadTimeout() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(limits: RPCServerLimits(frameReadTimeout: .seconds(10))))
        // The first bytes of a frame announcing 1 MiB, and no more.
        try server.send([0, 0x10, 0, 0, 0x08, 0x01])
        server.advance(by: .seconds(10) - nanosecond)
        #expect(try server.next() == nil)
        #expect(server.isActive)
        server.advance(by: nanosecond)
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == StatusCode.deadlineExceeded.rawValue)
        #expect(goaway.status.message == "frame not completed within 10.0 seconds")
        #expect(!server.isActive)
    }

    @Test func eachFrameHasItsOwnReadTimeoutAndWholeFramesNeedNone() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(
                idleTimeout: .seconds(600), limits: RPCServerLimits(frameReadTimeout: .seconds(10))))
        let first = RawConnection.bytes(
            of: RawConnection.request(callID: 1, method: GateService.quick, payload: Data("one".utf8)))
        let second = RawConnection.bytes(
            of: RawConnection.request(callID: 2, method: GateService.quick, payload: Data("two".utf8)))
        try server.send(Array(first.prefix(3)))
        server.advance(by: .seconds(9))
        // The first completes in time; the second begins in the same read.
        try server.send(Array(first.dropFirst(3)) + second.prefix(7))
        #expect(text(try server.next()) == "one")
        server.advance(by: .seconds(9))
        #expect(server.isActive, "the second frame's time runs from its own first bytes")
        try server.send(Array(second.dropFirst(7)))
        #expect(text(try server.next()) == "two")
        // Nothing partial: no read timeout, however long the connection waits.
        server.advance(by: .seconds(60))
        #expect(try server.next() == nil)
        #expect(server.isActive)
    }

    // MARK: Metadata

    private func request(metadata: [(String, String)], callID: UInt64 = 1) -> Tillit_Rpc_V1_Frame {
        RawConnection.request(
            callID: callID, method: GateService.quick, payload: Data("m".utf8), metadata: metadata)
    }

    private func expectRefused(
        _ server: EmbeddedServer, _ frame: Tillit_Rpc_V1_Frame, _ code: StatusCode, _ message: String
    ) throws {
        try server.send(frame)
        let answer = try #require(try server.next())
        #expect(answer.kind == .response)
        #expect(answer.callID == frame.callID)
        #expect(answer.status.code == code.rawValue)
        #expect(answer.status.message == message)
        #expect(server.isActive, "a request over a limit is answered; the connection stays")
    }

    @Test func metadataWithinTheLimitsIsAccepted() throws {
        let server = try EmbeddedServer()
        let entries = (0..<64).map { ("k\($0)", String(repeating: "v", count: 200)) }
        try server.send(request(metadata: entries))
        #expect(text(try server.next()) == "m")
        try server.send(
            request(
                metadata: [(String(repeating: "k", count: 128), String(repeating: "v", count: 8192))],
                callID: 2))
        #expect(text(try server.next()) == "m")
    }

    @Test func metadataOverEachLimitIsRefusedResourceExhausted() throws {
        let server = try EmbeddedServer()
        try expectRefused(
            server, request(metadata: (0..<65).map { ("k\($0)", "") }, callID: 1),
            .resourceExhausted, "more than 64 metadata entries")
        try expectRefused(
            server, request(metadata: [(String(repeating: "k", count: 129), "")], callID: 2),
            .resourceExhausted, "metadata key of 129 bytes exceeds the limit of 128 bytes")
        try expectRefused(
            server, request(metadata: [("k", String(repeating: "v", count: 8193))], callID: 3),
            .resourceExhausted, "metadata value of 8193 bytes exceeds the limit of 8192 bytes")
        let three = (0..<3).map { ("k\($0)", String(repeating: "v", count: 6000)) }
        try expectRefused(
            server, request(metadata: three, callID: 4),
            .resourceExhausted, "metadata of 18021 bytes exceeds the limit of 16384 bytes")
        #expect(server.observer.all.map(\.code) == Array(repeating: .resourceExhausted, count: 4))
        // The connection still serves.
        try server.send(request(metadata: [], callID: 5))
        #expect(text(try server.next()) == "m")
    }

    @Test func frameOfTwoMillionEmptyEntriesIsRefusedWithoutDecodingThem() throws {
        let server = try EmbeddedServer()
        var bytes: [UInt8] = try request(metadata: [], callID: 9).serializedBytes()
        // Field 4 (metadata), length 0: two bytes per entry, up to just under 4 MiB.
        let entries = (4 * 1024 * 1024 - bytes.count) / 2
        bytes.reserveCapacity(bytes.count + 2 * entries)
        for _ in 0..<entries { bytes += [0x22, 0x00] }
        var framed = ByteBuffer()
        framed.writeInteger(UInt32(bytes.count))
        framed.writeBytes(bytes)
        try server.channel.writeInbound(framed)
        let answer = try #require(try server.next())
        #expect(answer.callID == 9)
        #expect(answer.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(answer.status.message == "more than 64 metadata entries")
        #expect(server.isActive)
    }

    @Test func configuredMetadataLimitsApply() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(
                limits: RPCServerLimits(maximumMetadataEntries: 2, maximumMetadataValueLength: 4)))
        try expectRefused(
            server, request(metadata: [("a", ""), ("b", ""), ("c", "")]), .resourceExhausted,
            "more than 2 metadata entries")
        try expectRefused(
            server, request(metadata: [("a", "12345")], callID: 2), .resourceExhausted,
            "metadata value of 5 bytes exceeds the limit of 4 bytes")
    }

    @Test func controlFrameOverAMetadataLimitGetsGoAway() throws {
        let server = try EmbeddedServer()
        var ping = FrameCodec.control(.ping, callID: 3)
        ping.metadata = Metadata((0..<100).map { ("k\($0)", "") }).wireEntries
        try server.send(ping)
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(goaway.status.message == "more than 64 metadata entries")
        #expect(!server.isActive)
    }

    @Test func statusWithTooManyDetailsGetsGoAway() throws {
        let server = try EmbeddedServer()
        var cancel = FrameCodec.control(.cancel, callID: 3)
        cancel.status.details = Array(repeating: Tillit_Rpc_V1_StatusDetail(), count: 65)
        try server.send(cancel)
        let goaway = try #require(try server.next())
        #expect(goaway.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(goaway.status.message == "more than 64 status details")
        #expect(!server.isActive)
    }

    // MARK: Method paths

    @Test func methodPathOverTheLimitIsRefusedAndNotEchoed() throws {
        let server = try EmbeddedServer()
        var frame = request(metadata: [])
        frame.method = "/" + String(repeating: "x", count: 10_000)
        try expectRefused(
            server, frame, .unimplemented, "method path of 10001 bytes exceeds the limit of 256 bytes")
        let logged = try #require(server.observer.all.first)
        #expect(logged.path == "/" + String(repeating: "x", count: 99) + "…")
    }

    @Test func unknownMethodIsEchoedTruncated() throws {
        let server = try EmbeddedServer()
        var frame = request(metadata: [])
        frame.method = "/pkg.Svc/" + String(repeating: "y", count: 200)
        let shown = String(frame.method.prefix(100)) + "…"
        try expectRefused(server, frame, .unimplemented, "unknown method \(shown)")
        #expect(server.observer.all.map(\.path) == [shown])
        // A short unknown path is shown whole.
        frame.callID = 2
        frame.method = "/pkg.Svc/Nope"
        try expectRefused(server, frame, .unimplemented, "unknown method /pkg.Svc/Nope")
    }

    // MARK: Fairness

    @Test func aConnectionProcessesAtMostItsShareOfFramesPerEventLoopTurn() throws {
        let server = try EmbeddedServer()
        var bytes: [UInt8] = []
        for id in 1...600 {
            let request = RawConnection.request(
                callID: UInt64(id), method: GateService.quick, payload: Data("f".utf8))
            bytes += RawConnection.bytes(of: request)
        }
        // One read of 600 requests, without letting the event loop run: one turn's share only.
        // (Before, all 600 ran in the read, however long the other connections waited.)
        try server.channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(server.observer.all.count == ServerConnectionHandler.framesPerTurn)
        // The rest wait until the event loop has had time for its other connections' I/O…
        server.channel.embeddedEventLoop.run()
        #expect(server.observer.all.count == ServerConnectionHandler.framesPerTurn)
        // …then follow, a share per turn, in order.
        server.advance(by: .milliseconds(1))
        let answered = try server.drain()
        #expect(answered.map(\.callID) == (1...600).map { UInt64($0) })
        #expect(server.observer.all.count == 600)
    }
}
