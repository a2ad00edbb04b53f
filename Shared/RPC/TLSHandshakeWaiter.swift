import NIOCore
import NIOSSL
import NIOTLS

/// Completes when the TLS handshake of its channel has finished (or fails with the reason it
/// did not), so that a client connection counts as connected only once it is authenticated.
///
/// With an expected name it also requires the server's certificate to carry that DNS name:
/// NIOSSL's own check also accepts a certificate whose IP address entry matches the address
/// dialled, and every development certificate names 127.0.0.1, so on loopback it would accept
/// any service's certificate for any other.
final class TLSHandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let expectedName: String?
    private var promise: EventLoopPromise<Void>?
    private var pendingResult: Result<Void, any Error>?

    /// A waiter; `expectedName` must be among the server certificate's DNS names.
    init(expectedName: String?) {
        self.expectedName = expectedName
    }

    /// The channel, once its handshake is done; the channel itself when it has no waiter
    /// (plaintext).
    static func handshakeDone(on channel: any Channel) -> EventLoopFuture<any Channel> {
        channel.eventLoop.flatSubmit {
            guard let waiter = try? channel.pipeline.syncOperations.handler(type: TLSHandshakeWaiter.self)
            else { return channel.eventLoop.makeSucceededFuture(channel) }
            return waiter.future(on: channel.eventLoop).map { channel }
                .flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
        }
    }

    private func future(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        if let pendingResult { return eventLoop.makeCompletedFuture(pendingResult) }
        let promise = self.promise ?? eventLoop.makePromise()
        self.promise = promise
        return promise.futureResult
    }

    private func settle(_ result: Result<Void, any Error>) {
        guard pendingResult == nil else { return }
        pendingResult = result
        promise?.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            if let expectedName {
                let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
                let names = handler?.peerCertificate.map(TransportSecurity.dnsNames(of:)) ?? []
                guard names.contains(where: { $0.lowercased() == expectedName.lowercased() }) else {
                    settle(
                        .failure(
                            RPCError(
                                code: .unavailable,
                                message: "the server's certificate does not name \(expectedName)")))
                    context.close(promise: nil)
                    return
                }
            }
            settle(.success(()))
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settle(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(.failure(RPCError(code: .unavailable, message: "connection closed during the TLS handshake")))
        context.fireChannelInactive()
    }
}
