import NIOCore
import Synchronization

/// The server's open connections, so that shutdown can reach each of them.
final class ConnectionRegistry: Sendable {
    struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ServerConnectionHandler>
    }

    private struct State {
        var connections: [ObjectIdentifier: Connection] = [:]
        var listener: (any Channel)?
        var stopRequested = false
        var draining = false
    }

    private let state = Mutex(State())

    /// Adds a connection; false when the server is already draining.
    func register(_ connection: Connection) -> Bool {
        let id = ObjectIdentifier(connection.channel)
        let accepted = state.withLock { state in
            state.connections[id] = connection
            return !state.draining
        }
        connection.channel.closeFuture.whenComplete { _ in
            self.state.withLock { _ = $0.connections.removeValue(forKey: id) }
        }
        return accepted
    }

    /// Remembers the listening channel (closed by `requestStop`).
    func setListener(_ channel: any Channel) {
        state.withLock { $0.listener = channel }
    }

    /// The first time: `.some(listener)` (the listener may not be bound yet); later: nil.
    func requestStop() -> (any Channel)?? {
        state.withLock { state in
            guard !state.stopRequested else { return nil }
            state.stopRequested = true
            return .some(state.listener)
        }
    }

    /// The connections open now.
    func openConnections() -> [Connection] {
        state.withLock { Array($0.connections.values) }
    }

    /// Marks the registry draining and returns the connections open now.
    func beginDraining() -> [Connection] {
        state.withLock { state in
            state.draining = true
            return Array(state.connections.values)
        }
    }
}
