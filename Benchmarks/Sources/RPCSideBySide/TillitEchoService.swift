import TillitContracts
import TillitRPC

/// Tillit's side: `tillit.testing.v1.Echo/Echo` answering with the request's `data` bytes.
struct TillitEchoService: Tillit_Testing_V1_EchoService {
    /// Answers with the request's payload.
    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        var response = Tillit_Testing_V1_EchoResponse()
        response.data = request.data
        return response
    }
}
