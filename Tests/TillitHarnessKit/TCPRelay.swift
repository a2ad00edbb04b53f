import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on an ephemeral loopback port forwarding every connection to a target port: the
/// link between two services that a test can cut (every relayed connection closed, new ones
/// closed as soon as they arrive, so the callers see the peer as down) and restore, without
/// stopping the target and without freeing the port for anyone else to bind.
public final class TCPRelay: Sendable {
    /// The port to connect to instead of the target's.
    public let port: Int
    private let listener: any Channel
    private let state: Mutex<State>

    private struct State {
        var cut = false
        var target: Int
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    private init(port: Int, listener: any Channel, target: Int) {
        self.port = port
        self.listener = listener
        state = Mutex(State(target: target))
    }

    /// Starts relaying connections to `127.0.0.1:target`.
    public static func start(to target: Int) async throws -> TCPRelay {
        let box = RelayBox()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                guard let relay = box.relay, !relay.isCut else { return inbound.close() }
                return ClientBootstrap(group: inbound.eventLoop).connect(
                    host: "127.0.0.1", port: relay.target
                )
                .flatMapThrowing { outbound in
                    try inbound.pipeline.syncOperations.addHandler(Forward(partner: outbound))
                    try outbound.pipeline.syncOperations.addHandler(Forward(partner: inbound))
                    relay.track(inbound)
                    relay.track(outbound)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let relay = TCPRelay(port: listener.localAddress?.port ?? 0, listener: listener, target: target)
        box.set(relay)
        return relay
    }

    /// Closes every relayed connection and every later one at once, until `restore()`.
    public func cut() {
        let channels = state.withLock { state -> [any Channel] in
            state.cut = true
            defer { state.channels = [:] }
            return Array(state.channels.values)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Relays new connections to `127.0.0.1:target` from now on (a restarted service on its new
    /// port); connections relayed before are left as they are.
    public func retarget(to target: Int) {
        state.withLock { $0.target = target }
    }

    /// Relays new connections again.
    public func restore() {
        state.withLock { $0.cut = false }
    }

    /// Stops listening and closes every relayed connection.
    public func close() async {
        cut()
        try? await listener.close()
    }

    fileprivate var isCut: Bool { state.withLock { $0.cut } }

    fileprivate var target: Int { state.withLock { $0.target } }

    fileprivate func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        state.withLock { $0.channels[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.channels.removeValue(forKey: key) }
        }
    }
}

/// Lets the child initializer reach the relay created after the listener is bound.
private final class RelayBox: Sendable {
    private let value = Mutex<TCPRelay?>(nil)
    var relay: TCPRelay? { value.withLock { $0 } }
    func set(_ relay: TCPRelay) { value.withLock { $0 = relay } }
}

/// Writes what one side reads to the other; closes the other when one closes.
private final class Forward: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let partner: any Channel

    init(partner: any Channel) {
        self.partner = partner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
