import NIOCore

/// Reading only as fast as the peer reads (writability), a budget of frames per turn
/// (fairness), and the frame read timeout.
extension ServerConnectionHandler: TurnTaking {
    /// Frames one connection processes per turn: in one read cycle, or in one turn that its
    /// `TurnScheduler` gives it once the event loop has been back to its selector.
    static let framesPerTurn = 64

    /// A frame is held over the turn's budget: queue for the next turn (unless already queued,
    /// or the channel is not writable, in which case writability resumes it).
    func awaitTurnIfOverBudget() {
        guard !awaitingTurn, framesThisTurn >= Self.framesPerTurn, let context, context.channel.isWritable
        else { return }
        awaitingTurn = true
        turns.enqueue(self)
    }

    /// This connection's turn (from `turns`): a new budget for its held frames.
    func takeTurn() {
        awaitingTurn = false
        framesThisTurn = 0
        processHeldFrames()
    }

    /// The end of a read cycle: if every frame read was processed, the next read cycle (a later
    /// pass of the selector) has a whole budget; otherwise the held frames wait for their turn.
    func channelReadComplete(context: ChannelHandlerContext) {
        if heldFrames.isEmpty { framesThisTurn = 0 }
        context.fireChannelReadComplete()
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

    /// Processes held frames while the channel stays writable and the turn's budget lasts (then
    /// queues for the next turn), and releases a held `read()` once none is left.
    private func processHeldFrames() {
        // A write below may flip writability and call back here: the outer loop carries on.
        guard !processingHeldFrames else { return }
        processingHeldFrames = true
        defer { processingHeldFrames = false }
        while let context, context.channel.isWritable, !heldFrames.isEmpty {
            guard framesThisTurn < Self.framesPerTurn else {
                awaitTurnIfOverBudget()
                return
            }
            framesThisTurn += 1
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
