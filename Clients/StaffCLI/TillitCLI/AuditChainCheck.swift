import Foundation
import TillitContracts

/// `verify-audit` of a service that keeps its own audit chain (Notes, Supervision): the request
/// with an optional checkpoint, the printed result, exit 70 when the chain is broken.
enum AuditChainCheck {
    /// Verifies `service`'s chain (its label in output, e.g. `Notes'`; `database` names its file
    /// in the advice) through `verify`, printing the result as `output` says.
    static func run(
        _ service: String, database: String, checkpoint: String?, output: OutputOptions,
        _ verify: (Tillit_Identity_V1_VerifyAuditChainRequest) async throws ->
            Tillit_Identity_V1_VerifyAuditChainResponse
    ) async throws {
        var request = Tillit_Identity_V1_VerifyAuditChainRequest()
        if let checkpoint {
            let saved = try AuditCheckpointFile.read(checkpoint)
            request.checkpoint.sequence = UInt64(saved.sequence)
            request.checkpoint.hash = saved.hash
            request.checkpoint.organizationID = saved.organization
        }
        let response = try await verify(request)
        let result = AuditVerifyCommand.Result(
            intact: response.intact, eventsChecked: response.eventsChecked,
            firstBrokenSequence: response.intact ? nil : response.firstBrokenSequence,
            problem: response.intact ? nil : response.problem)
        try output.emit(result) {
            result.intact
                ? "\(service) audit chain intact: \(result.eventsChecked) events checked."
                : "\(service) audit chain BROKEN at event \(response.firstBrokenSequence): \(response.problem)"
        }
        if !result.intact {
            throw CLIError(
                .internalError, "\(service) audit chain is broken; keep a copy of \(database) and investigate"
            )
        }
    }
}
