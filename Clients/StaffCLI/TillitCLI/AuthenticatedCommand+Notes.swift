import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension AuthenticatedCommand {
    /// Runs `body` with Notes' client at `--notes-addr` / `TILLIT_NOTES_ADDR` (else the config
    /// file, else the local stack's 127.0.0.1:7103) over TLS trusting `TILLIT_TLS_CA` (else the
    /// local stack's CA) and requiring Notes' certificate, with the signed-in session's token
    /// (refreshed as `withIdentity` does: an expiring token first, and once more when Notes
    /// answers UNAUTHENTICATED). Notes' failures become `CLIError`s naming Notes and its address.
    func withNotes<T>(_ body: (NotesCall) async throws -> T) async throws -> T {
        let address = try addresses.resolve()[.notes]!
        let security: TransportSecurity
        do {
            security = try TLSSettings.clientSecurity(for: .notes)
        } catch let error as ConfigurationError {
            throw CLIError(
                .unavailable,
                "cannot set up TLS to notes (\(error)): set TILLIT_TLS_CA to the CA certificate, "
                    + "or TILLIT_DATA_DIR to the stack's data folder")
        }
        let rpc = RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(
                connectionsPerPeer: 1, connectTimeout: .seconds(10), defaultTimeout: .seconds(30),
                transportSecurity: security))
        defer { rpc.close() }
        let client = Tillit_Notes_V1_Notes.Client(rpc)
        var attempts = 0
        return try await withIdentity { call in
            attempts += 1
            do {
                return try await body(NotesCall(client: client, address: address, identity: call))
            } catch let error as RPCError where error.code == .unauthenticated && attempts == 1 {
                // Refreshed and retried once by withIdentity.
                throw error
            } catch let error as RPCError
                where error.code == .permissionDenied && call.session.totpEnrolmentRequired
            {
                // withIdentity says what to do: enrol two-factor first.
                throw error
            } catch let error as RPCError {
                throw CLIError(error, service: "notes", address: address)
            }
        }
    }
}
