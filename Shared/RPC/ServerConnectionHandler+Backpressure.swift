import NIOCore

/// Reading only as fast as the peer reads (writability), and the frame read timeout.
extension ServerConnectionHandler {
    /// Frames one connection processes per event-loop turn before yielding to the others.
    static let framesPerTurn = 256
    /// How long frames held over the turn's budget wait: long enough for the event loop to
    /// serve its other connections' I/O first (NIO runs tasks submitted by tasks in the same
    /// turn, before any I/O; only a task due later lets the selector run).
    static let yieldDelay = TimeAmount.microseconds(50)

    /// Counts a frame against this turn's budget; false once `framesPerTurn` is spent. The first
    /// frame of a turn schedules the budget's renewal at the end of the turn.
    func takeTurnBudget() -> Bool {
        guard let context else { return false }
        if framesThisTurn == 0 {
            context.eventLoop.assumeIsolated().execute {
                self.framesThisTurn = 0
                self.resumeHeldFramesAfterYielding()
            }
        }
        guard framesThisTurn < Self.framesPerTurn else { return false }
        framesThisTurn += 1
        return true
    }

    /// Frames held over the budget resume once the event loop has served its other I/O.
    private func resumeHeldFramesAfterYielding() {
        guard let context, !heldFrames.isEmpty, context.channel.isWritable, !resumeScheduled else { return }
        resumeScheduled = true
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.yieldDelay) {
            self.resumeScheduled = false
            self.processHeldFrames()
        }
    }

    /// Passes `read()` on only while the channel is writable and no held frame waits: a peer that
    /// does not read its responses is not read from (autoRead's `read()` is held until then).
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable, heldFrames.isEmpty {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            processHeldFrames()
        } else {
            // Hand the kernel what it can take now rather than at the end of the loop turn.
            context.flush()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Processes held frames while the channel stays writable and the turn's budget lasts, then
    /// releases a held `read()`.
    private func processHeldFrames() {
        // A write below may flip writability and call back here: the outer loop carries on.
        guard !processingHeldFrames else { return }
        processingHeldFrames = true
        defer { processingHeldFrames = false }
        while let context, context.channel.isWritable, !heldFrames.isEmpty, takeTurnBudget() {
            process(heldFrames.removeFirst())
        }
        guard let context, context.channel.isWritable, heldFrames.isEmpty, readHeld else { return }
        readHeld = false
        context.read()
    }

    /// `FrameDecoder.Event`s time each frame that does not arrive in one read: one still
    /// incomplete `frameReadTimeout` after its first bytes closes the connection (GOAWAY
    /// `DEADLINE_EXCEEDED`), so a partial frame cannot hold its buffer for the idle timeout.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? FrameDecoder.Event {
        case .frameStarted?:
            frameTimer?.cancel()
            let timeout = shared.configuration.limits.frameReadTimeout
            frameTimer = context.eventLoop.assumeIsolated().scheduleTask(
                in: .nanoseconds(timeout.nanoseconds)
            ) {
                self.frameTimer = nil
                self.fail(FrameError(kind: .readTimeout(timeout)))
            }
        case .frameCompleted?:
            frameTimer?.cancel()
            frameTimer = nil
        case nil:
            context.fireUserInboundEventTriggered(event)
        }
    }
}
