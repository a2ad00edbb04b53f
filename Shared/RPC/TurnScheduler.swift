import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives the connections of one event loop their turns, each turn only after the loop has been
/// back to its selector (docs/security.md, "Fairness").
///
/// A connection processes at most `ServerConnectionHandler.framesPerTurn` frames per turn; the
/// frames over that wait, with reads held, and the connection queues here. Queued connections
/// take their turns (one budget each, in the order they queued) when the scheduler's own pipe
/// is reported readable: queuing writes one byte into a pipe registered with the same event
/// loop, and the selector reports it in the same pass as every other ready socket of the loop.
/// A turn is therefore driven by I/O, never by a task: NIO runs every task that is due before
/// it goes back to its selector, including tasks that due tasks submit, so connections that
/// resumed by task (however short its delay) could keep the loop from all its other sockets.
/// Between two turns of a flooding connection, every other connection of the loop gets its read.
///
/// Lives on its event loop (not `Sendable`; shared as `NIOLoopBound`). On an event loop without
/// NIOPosix's selector, or if the pipe cannot be opened, turns fall back to a timer (`fallbackDelay`)
/// and the scheduler says so in a warning.
final class TurnScheduler {
    /// How queued turns are started.
    private enum Source {
        /// The pipe (nil until its channel is registered).
        case pipe((any Channel)?)
        /// A task `fallbackDelay` later.
        case timer
        /// Only by `runTurns()` (tests: "the selector has come round").
        case manual
    }

    /// How long turns wait without a pipe.
    static let fallbackDelay = TimeAmount.microseconds(50)

    let eventLoop: any EventLoop
    private var source: Source
    private var waiting = CircularBuffer<any TurnTaking>()
    /// Whether turns are due to run (a byte is in the pipe, or a timer is set).
    private(set) var turnsRequested = false
    /// The byte written into the pipe.
    private let tick = ByteBuffer(integer: UInt8(1))

    private init(eventLoop: any EventLoop, source: Source) {
        self.eventLoop = eventLoop
        self.source = source
    }

    /// A scheduler whose turns run only when `runTurns()` is called (tests).
    static func manual(on eventLoop: any EventLoop) -> TurnScheduler {
        TurnScheduler(eventLoop: eventLoop, source: .manual)
    }

    /// A scheduler whose turns run on a task `fallbackDelay` after they are requested.
    static func timer(on eventLoop: any EventLoop) -> TurnScheduler {
        TurnScheduler(eventLoop: eventLoop, source: .timer)
    }

    /// A scheduler for `eventLoop` driven by a pipe of its own; it falls back to the timer (and
    /// logs a warning) where no pipe can be registered. Never fails.
    static func start(on eventLoop: any EventLoop, logger: Logger) -> EventLoopFuture<
        NIOLoopBound<TurnScheduler>
    > {
        eventLoop.flatSubmit {
            let scheduler = NIOLoopBound(
                TurnScheduler(eventLoop: eventLoop, source: .pipe(nil)), eventLoop: eventLoop)
            @Sendable func fallBack(_ reason: String) -> EventLoopFuture<NIOLoopBound<TurnScheduler>> {
                logger.warning(
                    "connection turns fall back to a timer", metadata: ["reason": .string(reason)])
                scheduler.value.useTimer()
                return eventLoop.makeSucceededFuture(scheduler)
            }
            guard let bootstrap = NIOPipeBootstrap(validatingGroup: eventLoop) else {
                return fallBack("the event loop has no NIOPosix selector")
            }
            var descriptors: [CInt] = [-1, -1]
            guard pipe(&descriptors) == 0 else { return fallBack("pipe() failed, errno \(errno)") }
            let (input, output) = (descriptors[0], descriptors[1])
            _ = fcntl(input, F_SETFD, FD_CLOEXEC)
            _ = fcntl(output, F_SETFD, FD_CLOEXEC)
            return bootstrap.channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TickReader(scheduler: scheduler.value))
                }
            }
            .takingOwnershipOfDescriptors(input: input, output: output)
            .map { channel in
                scheduler.value.connected(channel)
                return scheduler
            }
            .flatMapError { error in
                // On failure the descriptors are still ours.
                close(input)
                close(output)
                return fallBack("the pipe could not be registered: \(error)")
            }
        }
    }

    /// Connections waiting for a turn.
    var waitingCount: Int { waiting.count }

    /// Whether turns come from the selector (the pipe is registered), not from a timer or a test.
    var isDrivenBySelector: Bool {
        if case .pipe(.some) = source { return true }
        return false
    }

    /// Queues `connection` for a turn; the turns run once the selector has come round.
    func enqueue(_ connection: any TurnTaking) {
        waiting.append(connection)
        requestTurns()
    }

    /// Runs one turn for every connection queued so far, in the order they queued. A connection
    /// that still has frames over its budget queues again, for the next pass of the selector.
    func runTurns() {
        turnsRequested = false
        let due = waiting
        waiting.removeAll(keepingCapacity: true)
        for connection in due {
            connection.takeTurn()
        }
    }

    /// Closes the pipe (the server has stopped); later turns would run on the timer.
    func shutDown() -> EventLoopFuture<Void> {
        guard case .pipe(let channel?) = source else { return eventLoop.makeSucceededVoidFuture() }
        source = .timer
        return channel.close()
    }

    private func requestTurns() {
        guard !turnsRequested else { return }
        turnsRequested = true
        switch source {
        case .pipe(let channel?):
            channel.writeAndFlush(tick, promise: nil)
        case .pipe(nil), .manual:
            // Written once the pipe is registered; or the test runs the turns.
            break
        case .timer:
            eventLoop.assumeIsolated().scheduleTask(in: Self.fallbackDelay) { self.runTurns() }
        }
    }

    private func connected(_ channel: any Channel) {
        source = .pipe(channel)
        if turnsRequested {
            channel.writeAndFlush(tick, promise: nil)
        }
    }

    private func useTimer() {
        source = .timer
        if turnsRequested {
            turnsRequested = false
            requestTurns()
        }
    }

    /// Reads the pipe's bytes and runs the turns once per read.
    private final class TickReader: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        weak var scheduler: TurnScheduler?

        init(scheduler: TurnScheduler) {
            self.scheduler = scheduler
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

        func channelReadComplete(context: ChannelHandlerContext) {
            scheduler?.runTurns()
        }
    }
}

/// What a `TurnScheduler` gives turns to: a connection with frames held over its budget.
protocol TurnTaking: AnyObject {
    /// A new budget: process held frames, and queue again if some are still over it.
    func takeTurn()
}
