import TillitContracts
import TillitRPC

/// The benchmark's server side: echoes the text back, nothing else.
struct BenchEchoService: Tillit_Testing_V1_EchoService {
    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        var response = Tillit_Testing_V1_EchoResponse()
        response.text = request.text
        return response
    }
}
