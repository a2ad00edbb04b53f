import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import TillitRPC

/// The client end of a connection on an `EmbeddedChannel`: deadlines to the nanosecond,
/// response matching, and every pending call answered when the connection goes.
@Suite(.timeLimit(.minutes(1))) struct ClientConnectionHandlerTests {
    private final class Harness {
        let channel = EmbeddedChannel()
        let handler: ClientConnectionHandler
        /// Records a `goaway` event each time the handler reports GOAWAY to its pool.
        let probe = Probe()

        init() throws {
            let probe = self.probe
            handler = ClientConnectionHandler(peer: "127.0.0.1:7101") { probe.record("goaway") }
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(FrameDecoder(maximumFrameSize: 1024 * 1024)))
            try channel.pipeline.syncOperations.addHandler(handler)
            channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 7101), promise: nil)
        }

        deinit {
            _ = try? channel.finish(acceptAlreadyClosed: true)
        }

        /// Starts a call; returns how it completes.
        func call(_ callID: UInt64, timeout: Duration? = nil) -> Completion<Tillit_Rpc_V1_Frame> {
            let promise = channel.eventLoop.makePromise(of: Tillit_Rpc_V1_Frame.self)
            let request = RawConnection.request(callID: callID, payload: Data("r\(callID)".utf8))
            handler.start(
                callID: callID, frame: FrameCodec.encode(request), timeout: timeout, promise: promise)
            channel.embeddedEventLoop.run()
            return Completion(promise.futureResult)
        }

        /// A frame from the server.
        func receive(_ frame: Tillit_Rpc_V1_Frame) throws {
            try channel.writeInbound(FrameCodec.encode(frame))
            channel.embeddedEventLoop.run()
        }

        func advance(by amount: TimeAmount) {
            channel.embeddedEventLoop.advanceTime(by: amount)
            channel.embeddedEventLoop.run()
        }

        /// The frames the client wrote so far.
        func written() throws -> [Tillit_Rpc_V1_Frame] {
            channel.embeddedEventLoop.run()
            var frames: [Tillit_Rpc_V1_Frame] = []
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
                _ = buffer.readInteger(as: UInt32.self)
                frames.append(try FrameCodec.decode(buffer))
            }
            return frames
        }
    }

    @Test func deadlineFailsTheCallExactlyAtTheDeadlineAndTellsTheServer() throws {
        let harness = try Harness()
        let call = harness.call(1, timeout: .milliseconds(100))
        #expect(try harness.written().map(\.kind) == [.request])
        harness.advance(by: .milliseconds(100) - .nanoseconds(1))
        #expect(!call.isDone)
        #expect(try harness.written().isEmpty)
        harness.advance(by: .nanoseconds(1))
        #expect(call.rpcError?.code == .deadlineExceeded)
        let cancel = try #require(try harness.written().first)
        #expect(cancel.kind == .cancel)
        #expect(cancel.callID == 1)
        #expect(cancel.status.code == StatusCode.deadlineExceeded.rawValue)
        // A late answer is dropped.
        try harness.receive(FrameCodec.response(callID: 1, payload: Data()))
        #expect(harness.channel.isActive)
    }

    @Test func responsesAreMatchedByCallID() throws {
        let harness = try Harness()
        let first = harness.call(1, timeout: .seconds(5))
        let second = harness.call(2, timeout: .seconds(5))
        try harness.receive(FrameCodec.response(callID: 99, payload: Data("stray".utf8)))
        try harness.receive(FrameCodec.response(callID: 2, payload: Data("two".utf8)))
        #expect(!first.isDone)
        #expect(second.value?.payload == Data("two".utf8))
        try harness.receive(FrameCodec.response(callID: 1, payload: Data("one".utf8)))
        #expect(first.value?.payload == Data("one".utf8))
        // The deadlines were cancelled with the answers.
        harness.advance(by: .seconds(10))
        #expect(try harness.written().map(\.kind) == [.request, .request])
    }

    @Test func cancellingFailsTheCallAndSendsCancel() throws {
        let harness = try Harness()
        let call = harness.call(4)
        harness.handler.cancel(callID: 4)
        #expect(call.rpcError?.code == .cancelled)
        let frames = try harness.written()
        #expect(frames.map(\.kind) == [.request, .cancel])
        #expect(frames.last?.status.code == StatusCode.cancelled.rawValue)
    }

    @Test func pendingCallsFailUnavailableWhenTheConnectionCloses() throws {
        let harness = try Harness()
        let calls = (1...3).map { harness.call(UInt64($0), timeout: .seconds(30)) }
        #expect(calls.allSatisfy { !$0.isDone })
        harness.channel.close(promise: nil)
        harness.channel.embeddedEventLoop.run()
        for call in calls {
            #expect(call.rpcError?.code == .unavailable)
            #expect(call.rpcError?.message == "connection to 127.0.0.1:7101 lost")
        }
        #expect(harness.probe.events.count == 1)
        // A call started on the closed connection is refused, not left waiting.
        let late = harness.call(4)
        #expect(late.error is NotSent)
    }

    @Test func afterGoAwayUnseenCallsAreSafeToRetryAndSeenOnesFail() throws {
        let harness = try Harness()
        let seen = harness.call(1, timeout: .seconds(30))
        let unseen = harness.call(2, timeout: .seconds(30))
        try harness.receive(
            FrameCodec.control(
                .goaway, callID: 1, status: RPCError(code: .unavailable, message: "server is shutting down")))
        #expect(harness.probe.events.count == 1)
        // No new calls on a connection that said GOAWAY.
        let refused = harness.call(3)
        #expect(refused.error is NotSent)
        harness.channel.close(promise: nil)
        harness.channel.embeddedEventLoop.run()
        #expect(seen.rpcError?.code == .unavailable)
        #expect(seen.rpcError?.message == "connection closed by 127.0.0.1:7101: server is shutting down")
        #expect(unseen.error is NotSent)
        #expect(harness.probe.events.count == 1)
    }

    @Test func connectionClosesOnceTheLastCallIsAnsweredAfterGoAway() throws {
        let harness = try Harness()
        let call = harness.call(1, timeout: .seconds(30))
        try harness.receive(FrameCodec.control(.goaway, callID: 1))
        #expect(harness.channel.isActive)
        try harness.receive(FrameCodec.response(callID: 1, payload: Data("done".utf8)))
        #expect(call.value?.payload == Data("done".utf8))
        #expect(!harness.channel.isActive)
    }
}
