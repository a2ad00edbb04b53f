import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension AuthenticatedCommand {
    /// Runs `body` with Notes' client at `--notes-addr` / `TILLIT_NOTES_ADDR` (else the config
    /// file, else the local stack's 127.0.0.1:7103), as `withPeer` connects: TLS requiring
    /// Notes' certificate, the session's token refreshed and retried once, Notes' failures as
    /// `CLIError`s naming Notes and its address.
    func withNotes<T>(_ body: (NotesCall) async throws -> T) async throws -> T {
        try await withPeer(.notes) { rpc, address, call in
            try await body(
                NotesCall(client: Tillit_Notes_V1_Notes.Client(rpc), address: address, identity: call))
        }
    }
}
