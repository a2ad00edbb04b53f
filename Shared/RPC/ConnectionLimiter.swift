import Logging
import NIOCore
import Synchronization

/// Counts a server's open connections, in all and per source IP address, and refuses one over
/// `RPCServerLimits.maximumConnections` or `maximumConnectionsPerSource`.
///
/// `admit(_:)` runs first in the child channel initializer, before any handler is added (and so
/// before any TLS handshake): a refused socket is closed without a pipeline, a buffer or a byte
/// read. Refusals are logged at `notice` at most once per `logInterval`, with how many there
/// were since the last line.
final class ConnectionLimiter: Sendable {
    /// Thrown from the child channel initializer for a refused connection; NIO then closes it.
    struct Refused: Error, Hashable {
        /// Which limit: `server` or `source`.
        let limit: String
    }

    private struct State {
        var total = 0
        var perSource: [String: Int] = [:]
        var refusedSinceLog = 0
        var lastLog: ContinuousClock.Instant?
    }

    private let limits: RPCServerLimits
    private let logger: Logger
    private let logInterval: Duration
    private let state = Mutex(State())

    init(limits: RPCServerLimits, logger: Logger, logInterval: Duration = .seconds(10)) {
        self.limits = limits
        self.logger = logger
        self.logInterval = logInterval
    }

    /// The connections open now (admitted and not yet closed).
    var openConnections: Int { state.withLock { $0.total } }

    /// Admits `channel` (counted until it closes) or throws `Refused`.
    func admit(_ channel: any Channel) throws(Refused) {
        let source = channel.remoteAddress?.ipAddress ?? "unknown"
        let refusal: (limit: String, log: Int?)? = state.withLock { state in
            let fromSource = state.perSource[source, default: 0]
            let limit: String? =
                state.total >= limits.maximumConnections
                ? "server" : fromSource >= limits.maximumConnectionsPerSource ? "source" : nil
            guard let limit else {
                state.total += 1
                state.perSource[source] = fromSource + 1
                return nil
            }
            state.refusedSinceLog += 1
            let now = ContinuousClock.now
            guard state.lastLog.map({ now - $0 >= logInterval }) ?? true else { return (limit, nil) }
            state.lastLog = now
            defer { state.refusedSinceLog = 0 }
            return (limit, state.refusedSinceLog)
        }
        guard let refusal else {
            channel.closeFuture.whenComplete { _ in self.release(source) }
            return
        }
        if let count = refusal.log {
            logger.notice(
                "refusing connections over the limit",
                metadata: [
                    "source": .string(source), "limit": .string(refusal.limit),
                    "refused": .stringConvertible(count),
                    "maximum_connections": .stringConvertible(limits.maximumConnections),
                    "maximum_per_source": .stringConvertible(limits.maximumConnectionsPerSource),
                ])
        }
        throw Refused(limit: refusal.limit)
    }

    private func release(_ source: String) {
        state.withLock { state in
            state.total -= 1
            let remaining = state.perSource[source, default: 1] - 1
            state.perSource[source] = remaining > 0 ? remaining : nil
        }
    }
}
