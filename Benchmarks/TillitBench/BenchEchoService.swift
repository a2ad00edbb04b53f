import TillitContracts
import TillitRPC

/// The benchmark's server side: echoes the text back; sleeps first when asked (for the
/// process-level tests that kill or stop the server mid-call).
struct BenchEchoService: Tillit_Testing_V1_EchoService {
    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        if request.delayMillis > 0 {
            try await Task.sleep(for: .milliseconds(Int(request.delayMillis)))
        }
        var response = Tillit_Testing_V1_EchoResponse()
        response.text = request.text
        return response
    }
}
