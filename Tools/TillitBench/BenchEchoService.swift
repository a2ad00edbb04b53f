import Foundation
import TillitContracts
import TillitRPC

/// The benchmark's server side: echoes the text back; sleeps first when asked (for the
/// process-level tests that kill or stop the server mid-call).
struct BenchEchoService: Tillit_Testing_V1_EchoService {
    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        if request.delayMillis > 0 {
            // Tests that stop this process mid-call wait for this line (never printed by the
            // benchmark, whose calls have no delay).
            FileHandle.standardOutput.write(Data("STARTED \(request.text)\n".utf8))
            try await Task.sleep(for: .milliseconds(Int(request.delayMillis)))
        }
        var response = Tillit_Testing_V1_EchoResponse()
        response.text = request.text
        return response
    }
}
