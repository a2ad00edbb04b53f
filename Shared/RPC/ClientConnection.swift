import NIOCore
import Synchronization

/// One established connection of a client, usable from any task.
final class ClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ClientConnectionHandler>
    private let nextCallID = Atomic<UInt64>(1)

    init(channel: any Channel, handler: NIOLoopBound<ClientConnectionHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// A call id not used before on this connection.
    func makeCallID() -> UInt64 {
        nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Sends an encoded frame with `callID` and waits for the answer; cancelling the task
    /// cancels the call (CANCELLED locally, a CANCEL frame to the server).
    func exchange(callID: UInt64, frame: ByteBuffer, timeout: Duration?) async throws -> Tillit_Rpc_V1_Frame {
        let eventLoop = channel.eventLoop
        let promise = eventLoop.makePromise(of: Tillit_Rpc_V1_Frame.self)
        let handler = self.handler
        if eventLoop.inEventLoop {
            handler.value.start(callID: callID, frame: frame, timeout: timeout, promise: promise)
        } else {
            eventLoop.execute {
                handler.value.start(callID: callID, frame: frame, timeout: timeout, promise: promise)
            }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            eventLoop.execute { handler.value.cancel(callID: callID) }
        }
    }

    /// Closes the connection; pending calls fail with UNAVAILABLE.
    func close() {
        channel.close(promise: nil)
    }
}
