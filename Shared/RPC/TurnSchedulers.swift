import Logging
import NIOCore
import Synchronization

/// A server's `TurnScheduler`s, one per event loop of its group.
final class TurnSchedulers: Sendable {
    private let schedulers = Mutex<[ObjectIdentifier: NIOLoopBound<TurnScheduler>]>([:])

    /// Starts a scheduler (with its pipe registered) for every event loop of `group`.
    func start(on group: any EventLoopGroup, logger: Logger) async {
        for eventLoop in group.makeIterator() {
            // `TurnScheduler.start` never fails: without a pipe it falls back to a timer.
            guard let scheduler = try? await TurnScheduler.start(on: eventLoop, logger: logger).get() else {
                continue
            }
            schedulers.withLock { $0[ObjectIdentifier(eventLoop)] = scheduler }
        }
    }

    /// The scheduler of `eventLoop`; call it on that loop. A loop that the group did not list
    /// gets a timer-driven one.
    func scheduler(for eventLoop: any EventLoop) -> TurnScheduler {
        let id = ObjectIdentifier(eventLoop)
        if let scheduler = schedulers.withLock({ $0[id] }) { return scheduler.value }
        let scheduler = NIOLoopBound(TurnScheduler.timer(on: eventLoop), eventLoop: eventLoop)
        schedulers.withLock { $0[id] = scheduler }
        return scheduler.value
    }

    /// Closes every scheduler's pipe (once the server's connections are closed).
    func shutDown() async {
        let all = schedulers.withLock { schedulers in
            defer { schedulers.removeAll() }
            return Array(schedulers.values)
        }
        for scheduler in all {
            try? await scheduler.eventLoop.flatSubmit { scheduler.value.shutDown() }.get()
        }
    }
}
