import Foundation
import NIOCore
import Testing

@testable import TillitRPC

/// The server's framing, deadlines, idle timeout and drain on an `EmbeddedChannel`, with time
/// moved by hand: exact to the nanosecond, whatever else the machine is doing.
@Suite(.timeLimit(.minutes(1))) struct ServerConnectionHandlerTests {
    private let nanosecond = TimeAmount.nanoseconds(1)

    private func text(_ frame: Tillit_Rpc_V1_Frame?) -> String? {
        guard let frame, frame.kind == .response, frame.status.code == 0 else { return nil }
        return String(decoding: frame.payload, as: UTF8.self)
    }

    // MARK: Framing

    @Test func frameSplitIntoSingleBytesIsAnsweredOnceComplete() throws {
        let server = try EmbeddedServer()
        let bytes = RawConnection.bytes(
            of: RawConnection.request(callID: 7, method: GateService.quick, payload: Data("split".utf8)))
        for byte in bytes.dropLast() {
            try server.send([byte])
            #expect(try server.next() == nil)
        }
        try server.send([bytes.last!])
        let response = try #require(try server.next())
        #expect(response.callID == 7)
        #expect(text(response) == "split")
        #expect(try server.next() == nil)
    }

    @Test func coalescedFramesAreAnsweredAndAPartialOneWaits() throws {
        let server = try EmbeddedServer()
        var bytes: [UInt8] = []
        for id in 1...5 {
            bytes += RawConnection.bytes(
                of: RawConnection.request(
                    callID: UInt64(id), method: GateService.quick, payload: Data("c\(id)".utf8)))
        }
        let sixth = RawConnection.bytes(
            of: RawConnection.request(callID: 6, method: GateService.quick, payload: Data("c6".utf8)))
        try server.send(bytes + sixth.prefix(5))
        let answered = try server.drain()
        #expect(answered.map(\.callID) == [1, 2, 3, 4, 5])
        #expect(answered.map { text($0) } == ["c1", "c2", "c3", "c4", "c5"])
        try server.send(Array(sixth.dropFirst(5)))
        let last = try #require(try server.next())
        #expect(last.callID == 6)
        #expect(text(last) == "c6")
    }

    @Test func zeroLengthFramesAreIgnored() throws {
        let server = try EmbeddedServer()
        try server.send([0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try server.next() == nil)
        try server.request(1, GateService.quick, "after")
        #expect(text(try server.next()) == "after")
        #expect(server.isActive)
    }

    @Test func lengthPrefixOverTheLimitIsRefusedBeforeTheBodyArrives() throws {
        let server = try EmbeddedServer(configuration: RPCServerConfiguration(maximumFrameSize: 1024))
        // Only the prefix of a 1,025-byte body: refused without waiting for (or buffering) it.
        try server.send([0, 0, 0x04, 0x01])
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(goaway.status.message == "frame of 1025 bytes exceeds the limit of 1024 bytes")
        #expect(!server.isActive)
        #expect(try server.next() == nil)
    }

    @Test func fourGiBLengthPrefixIsRefusedAtOnce() throws {
        let server = try EmbeddedServer()
        try server.send([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3])
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(goaway.status.message.contains("4294967295"))
        #expect(!server.isActive)
    }

    @Test func frameOfExactlyTheLimitIsAccepted() throws {
        let limit = 1024
        let server = try EmbeddedServer(configuration: RPCServerConfiguration(maximumFrameSize: limit))
        var frame = RawConnection.request(callID: 1, method: GateService.size, payload: Data())
        var size = 0
        while try (frame.serializedBytes() as [UInt8]).count < limit {
            size += 1
            frame.payload = Data(repeating: UInt8(ascii: "x"), count: size)
        }
        #expect(try (frame.serializedBytes() as [UInt8]).count == limit)
        try server.send(frame)
        #expect(text(try server.next()) == String(size))
        #expect(server.isActive)
    }

    @Test func garbageGetsGoAwayAndCloses() throws {
        let server = try EmbeddedServer()
        // A plausible length, then bytes that are not a Frame: wire type 7 does not exist.
        try server.send([0, 0, 0, 4, 0x0F, 0xFF, 0xFF, 0xFF])
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == StatusCode.internalError.rawValue)
        #expect(goaway.status.message == "malformed frame")
        #expect(!server.isActive)
        // What follows on that connection is not read.
        try? server.request(2, GateService.quick, "ignored")
        #expect(try server.next() == nil)
    }

    @Test func duplicateCallIDInFlightIsAProtocolViolation() throws {
        let server = try EmbeddedServer()
        try server.request(9, GateService.hold, "held")
        #expect(server.events == ["start:held"])
        try server.request(9, GateService.hold, "held")
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.callID == 9)
        #expect(goaway.status.message == "protocol violation: call id 9 is already in flight")
        #expect(!server.isActive)
        // Closing the connection cancelled the call in flight.
        server.advance(by: .zero)
        #expect(server.events == ["start:held", "cancelled:held"])
    }

    @Test func pingIsAnsweredWithPong() throws {
        let server = try EmbeddedServer()
        try server.send(FrameCodec.control(.ping, callID: 77))
        let pong = try #require(try server.next())
        #expect(pong.kind == .pong)
        #expect(pong.callID == 77)
    }

    // MARK: Calls

    @Test func callsOverTheConnectionLimitAreRefusedAndTheOthersFinish() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(maximumConcurrentCallsPerConnection: 2))
        try server.request(1, GateService.hold, "a")
        try server.request(2, GateService.hold, "b")
        try server.request(3, GateService.hold, "c")
        let refused = try #require(try server.next())
        #expect(refused.callID == 3)
        #expect(refused.status.code == StatusCode.resourceExhausted.rawValue)
        #expect(!server.events.contains("start:c"))
        server.open("b")
        server.open("a")
        let answered = try server.drain()
        #expect(answered.map(\.callID) == [2, 1])
        #expect(answered.map { text($0) } == ["b", "a"])
        #expect(server.isActive)
    }

    @Test func deadlineAnswersDeadlineExceededExactlyAtTheDeadline() throws {
        let server = try EmbeddedServer()
        try server.request(3, GateService.hold, "sleepy", timeoutMicros: 100_000)
        server.advance(by: .milliseconds(100) - nanosecond)
        #expect(try server.next() == nil)
        #expect(server.events == ["start:sleepy"])
        server.advance(by: nanosecond)
        let response = try #require(try server.next())
        #expect(response.callID == 3)
        #expect(response.status.code == StatusCode.deadlineExceeded.rawValue)
        // The handler was cancelled; the connection stays.
        #expect(server.events == ["start:sleepy", "cancelled:sleepy"])
        #expect(server.isActive)
        #expect(server.observer.all.map(\.code) == [.deadlineExceeded])
        // Nothing more comes for that call.
        server.open("sleepy")
        #expect(try server.next() == nil)
    }

    @Test func timeoutIsCappedToTheServersMaximum() throws {
        let server = try EmbeddedServer(configuration: RPCServerConfiguration(maximumTimeout: .seconds(2)))
        try server.request(1, GateService.hold, "long", timeoutMicros: 60_000_000)
        server.advance(by: .seconds(2) - nanosecond)
        #expect(try server.next() == nil)
        server.advance(by: nanosecond)
        #expect(try server.next()?.status.code == StatusCode.deadlineExceeded.rawValue)
    }

    // MARK: Idle timeout

    @Test func idleConnectionIsClosedExactlyAfterTheIdlePeriod() throws {
        let server = try EmbeddedServer(configuration: RPCServerConfiguration(idleTimeout: .seconds(10)))
        server.advance(by: .seconds(10) - nanosecond)
        #expect(try server.next() == nil)
        #expect(server.isActive)
        server.advance(by: nanosecond)
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.status.code == 0)
        #expect(goaway.status.message == "idle timeout")
        #expect(!server.isActive)
    }

    @Test func trafficPostponesTheIdleTimeout() throws {
        let server = try EmbeddedServer(configuration: RPCServerConfiguration(idleTimeout: .seconds(10)))
        server.advance(by: .seconds(4))
        try server.send(FrameCodec.control(.ping, callID: 1))
        #expect(try server.next()?.kind == .pong)
        // Idle from t = 4 s: closed at t = 14 s, not at 10 s.
        server.advance(by: .seconds(10) - nanosecond)
        #expect(try server.next() == nil)
        #expect(server.isActive)
        server.advance(by: nanosecond)
        #expect(try server.next()?.kind == .goaway)
        #expect(!server.isActive)
    }

    @Test func connectionWithACallInFlightIsNotIdle() throws {
        let server = try EmbeddedServer(configuration: RPCServerConfiguration(idleTimeout: .seconds(10)))
        try server.request(1, GateService.hold, "long")
        server.advance(by: .seconds(25))
        #expect(try server.next() == nil)
        #expect(server.isActive)
        server.open("long")
        #expect(text(try server.next()) == "long")
        // Idle from the response on.
        server.advance(by: .seconds(10) - nanosecond)
        #expect(try server.next() == nil)
        server.advance(by: nanosecond)
        #expect(try server.next()?.kind == .goaway)
        #expect(!server.isActive)
    }

    // MARK: Drain

    @Test func drainSaysGoAwayFinishesTheCallInFlightAndRefusesNewOnes() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(shutdownGracePeriod: .seconds(5)))
        try server.request(1, GateService.hold, "in-flight")
        server.handler.beginDraining()
        let goaway = try #require(try server.next())
        #expect(goaway.kind == .goaway)
        #expect(goaway.callID == 1)
        #expect(goaway.status.code == StatusCode.unavailable.rawValue)
        #expect(server.isActive)

        try server.request(2, GateService.quick, "late")
        let refused = try #require(try server.next())
        #expect(refused.callID == 2)
        #expect(refused.status.code == StatusCode.unavailable.rawValue)
        #expect(refused.status.message.contains("shutting down"))

        server.advance(by: .seconds(4))
        server.open("in-flight")
        let finished = try #require(try server.next())
        #expect(finished.callID == 1)
        #expect(text(finished) == "in-flight")
        // Nothing left: the connection closes without waiting for the grace period.
        #expect(!server.isActive)
        #expect(server.events == ["start:in-flight", "done:in-flight"])
    }

    @Test func gracePeriodForceClosesExactlyWhenItEnds() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(shutdownGracePeriod: .seconds(5)))
        try server.request(1, GateService.hold, "stuck")
        server.advance(by: .seconds(1))
        server.handler.beginDraining()
        #expect(try server.next()?.kind == .goaway)
        server.advance(by: .seconds(5) - nanosecond)
        #expect(try server.next() == nil)
        #expect(server.isActive)
        #expect(server.events == ["start:stuck"])
        server.advance(by: nanosecond)
        let cancelled = try #require(try server.next())
        #expect(cancelled.callID == 1)
        #expect(cancelled.status.code == StatusCode.unavailable.rawValue)
        #expect(cancelled.status.message == "server shut down before the call finished")
        #expect(!server.isActive)
        #expect(server.events == ["start:stuck", "cancelled:stuck"])
    }

    @Test func drainingTwiceDoesNotRestartTheGracePeriod() throws {
        let server = try EmbeddedServer(
            configuration: RPCServerConfiguration(shutdownGracePeriod: .seconds(5)))
        try server.request(1, GateService.hold, "stuck")
        server.handler.beginDraining()
        server.advance(by: .seconds(3))
        server.handler.beginDraining()
        #expect(try server.drain().map(\.kind) == [.goaway])
        server.advance(by: .seconds(2))
        #expect(try server.next()?.status.code == StatusCode.unavailable.rawValue)
        #expect(!server.isActive)
    }
}
