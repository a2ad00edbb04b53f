import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension AuthenticatedCommand {
    /// Runs `body` with Supervision's client at `--supervision-addr` / `TILLIT_SUPERVISION_ADDR`
    /// (else the config file, else the local stack's 127.0.0.1:7104), as `withPeer` connects:
    /// TLS requiring Supervision's certificate, the session's token refreshed and retried once,
    /// Supervision's failures as `CLIError`s naming it and its address.
    func withSupervision<T>(_ body: (SupervisionCall) async throws -> T) async throws -> T {
        try await withPeer(.supervision) { rpc, address, call in
            try await body(
                SupervisionCall(
                    client: Tillit_Supervision_V1_Supervision.Client(rpc), address: address, identity: call))
        }
    }
}
