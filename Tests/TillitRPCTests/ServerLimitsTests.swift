import Foundation
import NIOCore
import NIOEmbedded
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

    // MARK: Partial frame budget

    /// A request of exactly `size` bytes with its length prefix.
    private func frame(callID: UInt64, size: Int) -> [UInt8] {
        let empty = RawConnection.bytes(
            of: RawConnection.request(callID: callID, method: GateService.quick, payload: Data()))
        // A payload of n < 128 bytes adds n + 2 bytes (tag, one-byte length); more adds n + 3.
        let payload = size - empty.count - 3
        precondition(payload >= 128 && payload < 16_384)
        let bytes = RawConnection.bytes(
            of: RawConnection.request(
                callID: callID, method: GateService.quick, payload: Data(repeating: 0x61, count: payload)))
        precondition(bytes.count == size)
        return bytes
    }

    @Test func incompleteFrameBytesAreChargedUntilTheFrameCompletes() throws {
        let server = try EmbeddedServer()
        let whole = frame(callID: 1, size: 1000)
        try server.send(Array(whole[0..<3]))
        #expect(server.partialFrames.bytesInUse == 3, "even a length prefix still incomplete counts")
        try server.send(Array(whole[3..<100]))
        #expect(server.partialFrames.bytesInUse == 100)
        try server.send(Array(whole[100..<400]))
        #expect(server.partialFrames.bytesInUse == 400)
        // The rest, and half of the next frame, in one read: the first is released, the second
        // charged from its own first byte.
        let next = frame(callID: 2, size: 1000)
        try server.send(Array(whole[400...]) + next[0..<500])
        #expect(server.observer.all.count == 1)
        #expect(server.partialFrames.bytesInUse == 500)
        try server.send(Array(next[500...]))
        #expect(server.partialFrames.bytesInUse == 0)
        // A frame that arrives in one read is never charged.
        try server.send(frame(callID: 3, size: 1000))
        #expect(server.partialFrames.bytesInUse == 0)
        #expect(try server.drain().count == 3)
    }

    @Test func incompleteFrameBytesAreReleasedWhenTheConnectionCloses() throws {
        let budget = PartialFrameBudget(limit: 10_000)
        let byPeer = try EmbeddedServer(partialFrames: budget)
        try byPeer.send(Array(frame(callID: 1, size: 1000)[0..<600]))
        #expect(budget.bytesInUse == 600)
        // The peer goes away mid-frame.
        byPeer.channel.pipeline.fireChannelInactive()
        byPeer.channel.embeddedEventLoop.run()
        #expect(budget.bytesInUse == 0)

        let byTimeout = try EmbeddedServer(
            configuration: RPCServerConfiguration(limits: RPCServerLimits(frameReadTimeout: .seconds(10))),
            partialFrames: budget)
        try byTimeout.send(Array(frame(callID: 1, size: 1000)[0..<700]))
        #expect(budget.bytesInUse == 700)
        byTimeout.advance(by: .seconds(10))
        #expect(!byTimeout.isActive)
        byTimeout.channel.embeddedEventLoop.run()
        #expect(budget.bytesInUse == 0, "closed by the read timeout, its bytes are released")
    }

    @Test func aConnectionWhoseIncompleteFrameWouldExceedTheBudgetIsRefused() throws {
        let configuration = RPCServerConfiguration(limits: RPCServerLimits(maximumPartialFrameBytes: 1000))
        let budget = PartialFrameBudget(limit: 1000)
        let holder = try EmbeddedServer(configuration: configuration, partialFrames: budget)
        let filler = try EmbeddedServer(configuration: configuration, partialFrames: budget)
        let holding = frame(callID: 1, size: 1000)
        try holder.send(Array(holding[0..<600]))
        let filling = frame(callID: 1, size: 1000)
        try filler.send(Array(filling[0..<400]))
        #expect(budget.bytesInUse == 1000, "up to the budget exactly is accepted")
        #expect(try filler.next() == nil)
        // One byte more is refused, and that connection is closed.
        try filler.send([filling[400]])
        let goaway = try #require(try filler.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(
            goaway.status.message == "incomplete frames exceed the server's budget of 1000 bytes; retry later"
        )
        #expect(!filler.isActive)
        filler.channel.embeddedEventLoop.run()
        #expect(budget.bytesInUse == 600, "the refused connection's bytes are released")
        // The other connection is unaffected, and its frame completes.
        #expect(holder.isActive)
        try holder.send(Array(holding[600...]))
        #expect(text(try holder.next())?.allSatisfy { $0 == "a" } == true)
        #expect(budget.bytesInUse == 0)
        // With the budget all but full, frames that arrive whole are still served.
        try holder.send(Array(frame(callID: 2, size: 1000)[0..<999]))
        #expect(budget.bytesInUse == 999)
        let another = try EmbeddedServer(configuration: configuration, partialFrames: budget)
        try another.send(frame(callID: 1, size: 1000))
        try another.send(frame(callID: 2, size: 500))
        #expect(try another.drain().map { text($0) != nil } == [true, true])
        #expect(another.isActive)
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

    private func requests(_ ids: ClosedRange<Int>) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            bytes += RawConnection.bytes(
                of: RawConnection.request(
                    callID: UInt64(id), method: GateService.quick, payload: Data("f".utf8)))
        }
        return bytes
    }

    @Test func framesOverTheBudgetWaitForTheSelectorNotForATaskOrATimer() throws {
        let budget = ServerConnectionHandler.framesPerTurn
        let server = try EmbeddedServer()
        let counter = ReadCounter()
        try server.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        // One read of 600 requests: one budget is processed in the read, the rest is held.
        try server.channel.writeInbound(ByteBuffer(bytes: requests(1...600)))
        #expect(server.observer.all.count == budget)
        #expect(server.turns.waitingCount == 1 && server.turns.turnsRequested)
        // No task and no timer resumes them (before, a task 50 µs later did, and with several
        // flooding connections such tasks kept the event loop from every other socket).
        server.channel.embeddedEventLoop.run()
        server.advance(by: .seconds(60))
        #expect(server.observer.all.count == budget)
        server.channel.read()
        #expect(counter.reads == 0, "nothing more is read while frames are held")
        // Each pass of the selector gives one more budget, in order.
        var passes = 0
        while server.observer.all.count < 600 {
            server.nextSelectorPass()
            passes += 1
            #expect(server.observer.all.count == min(600, budget * (passes + 1)))
        }
        #expect(passes == (600 - 1) / budget)
        #expect(try server.drain().map(\.callID) == (1...600).map { UInt64($0) })
        #expect(!server.turns.turnsRequested && server.turns.waitingCount == 0)
        #expect(counter.reads == 1, "the held read() goes out with the last held frame")
    }

    @Test func eachReadCycleHasAWholeBudget() throws {
        let budget = ServerConnectionHandler.framesPerTurn
        let server = try EmbeddedServer()
        // A whole budget in each of two reads: all processed, no turn needed.
        try server.channel.writeInbound(ByteBuffer(bytes: requests(1...budget)))
        try server.channel.writeInbound(ByteBuffer(bytes: requests((budget + 1)...(2 * budget))))
        #expect(server.observer.all.count == 2 * budget)
        #expect(!server.turns.turnsRequested)
        // One frame more than a budget in one read: that frame waits for a turn.
        try server.channel.writeInbound(ByteBuffer(bytes: requests((2 * budget + 1)...(3 * budget + 1))))
        #expect(server.observer.all.count == 3 * budget)
        #expect(server.turns.turnsRequested)
        server.nextSelectorPass()
        #expect(server.observer.all.count == 3 * budget + 1)
    }

    @Test func connectionsOfOneEventLoopTakeTurnsAndAQuietOneNeverWaits() throws {
        let budget = ServerConnectionHandler.framesPerTurn
        let loop = EmbeddedEventLoop()
        let turns = TurnScheduler.manual(on: loop)
        let first = try EmbeddedServer(loop: loop, turns: turns)
        let second = try EmbeddedServer(loop: loop, turns: turns)
        let quiet = try EmbeddedServer(loop: loop, turns: turns)
        try first.channel.writeInbound(ByteBuffer(bytes: requests(1...(3 * budget))))
        try second.channel.writeInbound(ByteBuffer(bytes: requests(1...(3 * budget))))
        #expect(turns.waitingCount == 2)
        for pass in 1...2 {
            // A quiet connection's frame is answered in its own read, ahead of the queue.
            try quiet.request(UInt64(pass), GateService.quick, "q\(pass)")
            #expect(text(try quiet.next()) == "q\(pass)")
            #expect(first.observer.all.count == budget * pass)
            #expect(second.observer.all.count == budget * pass)
            first.nextSelectorPass()
        }
        #expect(first.observer.all.count == 3 * budget)
        #expect(second.observer.all.count == 3 * budget)
        #expect(turns.waitingCount == 0)
    }
}
