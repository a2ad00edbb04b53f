import Foundation
import SwiftProtobuf

/// A client for one peer (a host and port): keeps a small pool of multiplexed connections,
/// reconnects with backoff, and fails calls with `UNAVAILABLE` while the peer is gone.
public final class RPCClient: Sendable {
    /// Makes a unary call with protobuf messages.
    public func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: MethodDescriptor,
        request: Request,
        response: Response.Type = Response.self,
        options: CallOptions = CallOptions()
    ) async throws -> Response {
        fatalError("not yet")
    }
}
