import NIOCore

/// The bare NIO client: on a `PipelineRun` event it writes `inFlight` frames, then one new frame
/// per answer until the run's stop, and reports once every frame sent is answered.
final class PipelinedEchoClientHandler: ChannelInboundHandler {
    /// A frame's body (from `LengthPrefixedFrameDecoder`).
    typealias InboundIn = ByteBuffer
    /// Bytes to write.
    typealias OutboundOut = ByteBuffer

    /// The frame every send writes (length prefix and payload); ByteBuffer's copy-on-write keeps
    /// repeated writes of it copy-free.
    private let frame: ByteBuffer
    /// The payload size answers must have.
    private let size: Int
    /// The run in progress.
    private var run: PipelineRun?
    /// Send times of the frames awaiting answers, oldest first.
    private var sendTimes = CircularBuffer<UInt64>()
    /// Frames sent in this run.
    private var sent = 0
    /// Frames answered in this run.
    private var answered = 0
    /// When this run started (uptime nanoseconds).
    private var startTime: UInt64 = 0
    /// This run's round trips, when it keeps them.
    private var latencies: [UInt64] = []

    /// A client sending `size`-byte payloads.
    init(size: Int) {
        var frame = ByteBuffer()
        frame.writeInteger(UInt32(size))
        frame.writeRepeatingByte(0xA5, count: size)
        self.frame = frame
        self.size = size
    }

    /// Starts a `PipelineRun`: writes its first frames (passes other events on).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let run = event as? PipelineRun else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.run = run
        sent = 0
        answered = 0
        latencies = []
        startTime = NIODeadline.now().uptimeNanoseconds
        for _ in 0..<run.inFlight where mayStartAnother(run, now: startTime) { send(context, now: startTime) }
        context.flush()
    }

    /// Notes an answer and sends the next frame, or reports when the run is done.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = Self.unwrapInboundIn(data)
        guard let run, let sentAt = sendTimes.popFirst() else { return }
        guard body.readableBytes == size else {
            self.run = nil
            run.promise.fail(EchoMismatch(expected: size, received: body.readableBytes))
            return
        }
        let now = NIODeadline.now().uptimeNanoseconds
        answered += 1
        if run.recordsLatencies { latencies.append(now - sentAt) }
        if mayStartAnother(run, now: now) {
            send(context, now: now)
        } else if sendTimes.isEmpty {
            self.run = nil
            run.promise.succeed(
                .init(answered: answered, elapsedNanoseconds: now - startTime, latencies: latencies))
        }
    }

    /// Flushes the frames sent during one read burst together.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    /// Fails the run in progress and closes the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        run?.promise.fail(error)
        run = nil
        context.close(promise: nil)
    }

    /// Whether the run may send another frame.
    private func mayStartAnother(_ run: PipelineRun, now: UInt64) -> Bool {
        switch run.stop {
        case .afterCalls(let calls): sent < calls
        case .atUptime(let deadline): now < deadline
        }
    }

    /// Writes one frame (flushed later) and notes its send time.
    private func send(_ context: ChannelHandlerContext, now: UInt64) {
        sent += 1
        sendTimes.append(now)
        context.write(Self.wrapOutboundOut(frame), promise: nil)
    }
}
