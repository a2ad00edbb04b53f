import ArgumentParser
import Foundation
import TillitContracts

/// `tillit supervision`: supervision relationships, the co-signature queue, supervision hours
/// beside direct-contact hours, case consultations and boundary incidents, through Supervision.
struct SupervisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervision",
        abstract:
            "Supervision: relationships, co-signature queue, hours, consultations, incidents (Supervision).",
        discussion: """
            Supervision is at --supervision-addr, else TILLIT_SUPERVISION_ADDR, else the config \
            file, else 127.0.0.1:7104; the session of `tillit login` is used. Dates are calendar \
            dates (YYYY-MM-DD) in the practice's time zone; `me` stands for your own account id. \
            Exit codes as for every command; a co-signature, verification or change that the \
            state no longer allows (FAILED_PRECONDITION, ALREADY_EXISTS) exits 67.

            Examples:
              tillit supervision relationships add --supervisor <id> --supervisee <id> --mode cosign-all \\
                --starts-on 2026-09-01 --agreement-approved-on 2026-09-01         # an admin
              tillit supervision queue                                           # a supervisor
              tillit supervision approve <note id>
              tillit supervision hours log --supervisee me --minutes 60 --category individual
              tillit supervision hours report --supervisee <id> --from 2026-01-01 --to 2026-12-31 \\
                --csv hours.csv --png hours.png
              tillit supervision incidents log --supervisee me --category gift --text "…"
              tillit supervision flags
            """,
        subcommands: [
            SupervisionRelationshipsCommand.self, SupervisionQueueCommand.self,
            SupervisionApproveCommand.self,
            SupervisionReturnCommand.self, SupervisionCategoriesCommand.self, SupervisionHoursCommand.self,
            SupervisionConsultationsCommand.self, SupervisionIncidentsCommand.self,
            SupervisionFlagsCommand.self,
            SupervisionVerifyAuditCommand.self,
        ])
}

/// `tillit supervision verify-audit`: Supervision's audit chain.
struct SupervisionVerifyAuditCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-audit",
        abstract: "Recompute Supervision's audit hash chain; exit 0 if intact, 70 if broken (admin).",
        discussion: """
            Supervision keeps its own chain (every read and write). With --checkpoint (a file \
            `tillit-supervision backup` wrote beside a backup), also checks the chain still holds \
            that event unchanged.

            Example:
              tillit supervision verify-audit --json
            """)

    @Option(help: "A checkpoint file of Supervision's chain.") var checkpoint: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            try await AuditChainCheck.run(
                "Supervision's", database: "supervision.db", checkpoint: checkpoint, output: output
            ) { request in
                try await withSupervision { call in
                    try await call.client.verifyAuditChain(request, options: call.options)
                }
            }
        }
    }
}
