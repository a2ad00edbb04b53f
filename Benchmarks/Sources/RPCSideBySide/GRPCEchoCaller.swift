import Foundation
import GRPCCore
import GRPCProtobuf
import TillitContracts

/// The unary echo call through a `GRPCClient` of any transport, checking the answer's size.
struct GRPCEchoCaller<Transport: ClientTransport>: Sendable {
    /// The running client.
    let client: GRPCClient<Transport>
    /// The request every call sends.
    let request: Tillit_Testing_V1_EchoRequest

    /// A caller sending `size` payload bytes.
    init(client: GRPCClient<Transport>, size: Int) {
        self.client = client
        var request = Tillit_Testing_V1_EchoRequest()
        request.data = Data(repeating: 0xA5, count: size)
        self.request = request
    }

    /// One call.
    func call() async throws {
        let received = try await client.unary(
            request: ClientRequest(message: request), descriptor: GRPCEchoService.method,
            serializer: ProtobufSerializer<Tillit_Testing_V1_EchoRequest>(),
            deserializer: ProtobufDeserializer<Tillit_Testing_V1_EchoResponse>(), options: .defaults
        ) { response in try response.message.data.count }
        guard received == request.data.count else {
            throw EchoMismatch(expected: request.data.count, received: received)
        }
    }

    /// A driver making these calls.
    var driver: CallDriver {
        CallDriver { try await self.call() }
    }
}
