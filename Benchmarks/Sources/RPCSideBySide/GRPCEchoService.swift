import GRPCCore
import GRPCProtobuf
import TillitContracts

/// grpc-swift-2's side: the same `tillit.testing.v1.Echo/Echo`, registered by hand (no code
/// generator) with grpc-swift-protobuf's serializers of Tillit's generated messages.
struct GRPCEchoService: RegistrableRPCService {
    /// `/tillit.testing.v1.Echo/Echo`.
    static let method = MethodDescriptor(fullyQualifiedService: "tillit.testing.v1.Echo", method: "Echo")

    /// Registers the unary echo handler: the request's `data` back in the response.
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.method,
            deserializer: ProtobufDeserializer<Tillit_Testing_V1_EchoRequest>(),
            serializer: ProtobufSerializer<Tillit_Testing_V1_EchoResponse>()
        ) { stream, _ in
            let request = try await ServerRequest(stream: stream)
            var response = Tillit_Testing_V1_EchoResponse()
            response.data = request.message.data
            return StreamingServerResponse(single: ServerResponse(message: response))
        }
    }
}
