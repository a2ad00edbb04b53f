import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import TillitRPC

/// A `ServerConnectionHandler` (behind its `FrameDecoder`) on an `EmbeddedChannel`: the test
/// writes bytes, reads the frames written back and moves the event loop's clock by hand. Handlers
/// run on the event loop (`handlersOnEventLoop`), so everything happens on the test's thread.
/// Use it from synchronous tests only: an `EmbeddedEventLoop` belongs to the thread that made it.
final class EmbeddedServer {
    let channel: EmbeddedChannel
    let handler: ServerConnectionHandler
    let gate = Gate()
    let observer = RecordingObserver()

    /// Gives the connection its turns when the test says the selector has come round
    /// (`nextSelectorPass()`).
    let turns: TurnScheduler
    /// The budget for incomplete frames, shared with other `EmbeddedServer`s if passed in.
    let partialFrames: PartialFrameBudget

    /// A connection of a server with `configuration`; `loop` and `turns` to share an event loop
    /// and its scheduler with other connections, `partialFrames` to share the server's budget.
    init(
        configuration: RPCServerConfiguration = RPCServerConfiguration(), loop: EmbeddedEventLoop? = nil,
        turns: TurnScheduler? = nil, partialFrames: PartialFrameBudget? = nil
    ) throws {
        var configuration = configuration
        configuration.handlersOnEventLoop = true
        let shared = ServerConnectionHandler.Shared(
            router: Router(services: [GateService(gate: gate)], interceptors: []),
            configuration: configuration, observers: [observer], logger: quietLogger,
            metrics: RPCServerMetrics())
        channel = loop.map { EmbeddedChannel(loop: $0) } ?? EmbeddedChannel()
        self.turns = turns ?? TurnScheduler.manual(on: channel.embeddedEventLoop)
        self.partialFrames =
            partialFrames ?? PartialFrameBudget(limit: configuration.limits.maximumPartialFrameBytes)
        handler = ServerConnectionHandler(shared: shared, turns: self.turns)
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                FrameDecoder(
                    maximumFrameSize: configuration.maximumFrameSize, reportsPartialFrames: true,
                    partialFrameBudget: self.partialFrames)))
        try channel.pipeline.syncOperations.addHandler(handler)
        channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 40_000), promise: nil)
    }

    deinit {
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    var isActive: Bool { channel.isActive }

    /// Events recorded by the `Hold` calls.
    var events: [String] { gate.probe.events }

    /// Writes raw bytes as one read.
    func send(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        channel.embeddedEventLoop.run()
    }

    /// Writes a frame with its length prefix as one read.
    func send(_ frame: Tillit_Rpc_V1_Frame) throws {
        try send(RawConnection.bytes(of: frame))
    }

    /// Sends a `Hold` (waits for `gate.open(name)`) or `Quick` request.
    func request(
        _ callID: UInt64, _ method: MethodDescriptor = GateService.quick, _ name: String,
        timeoutMicros: UInt64 = 0
    ) throws {
        try send(
            RawConnection.request(
                callID: callID, method: method, payload: Data(name.utf8), timeoutMicros: timeoutMicros))
    }

    /// What the event loop's selector does for the connections waiting for a turn when it comes
    /// round: runs their turns (then every task they submitted).
    func nextSelectorPass() {
        turns.runTurns()
        channel.embeddedEventLoop.run()
    }

    /// Moves the event loop's clock, running every timer that falls due.
    func advance(by amount: TimeAmount) {
        channel.embeddedEventLoop.advanceTime(by: amount)
        channel.embeddedEventLoop.run()
    }

    /// Opens the gate for `name` and lets the handler finish.
    func open(_ name: String) {
        gate.open(name)
        channel.embeddedEventLoop.run()
    }

    /// The next frame the server wrote (and flushed), or nil if there is none yet.
    func next() throws -> Tillit_Rpc_V1_Frame? {
        channel.embeddedEventLoop.run()
        guard var buffer = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
        let length = buffer.readInteger(as: UInt32.self)
        #expect(length.map { Int($0) } == buffer.readableBytes, "one frame per write, with its length prefix")
        return try FrameCodec.decode(buffer)
    }

    /// All frames written so far.
    func drain() throws -> [Tillit_Rpc_V1_Frame] {
        var frames: [Tillit_Rpc_V1_Frame] = []
        while let frame = try next() { frames.append(frame) }
        return frames
    }
}
