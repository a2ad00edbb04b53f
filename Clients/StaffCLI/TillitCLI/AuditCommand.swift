import ArgumentParser
import Foundation
import TillitContracts
import TillitServiceKit

/// `tillit audit`: the organisation's audit trail (admin).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and read the audit trail (admin).",
        discussion: """
            Example:
              tillit audit checkpoint --out /backups/audit-2026-12-02.checkpoint
              tillit audit verify --checkpoint /backups/audit-2026-12-02.checkpoint
            """,
        subcommands: [AuditVerifyCommand.self, AuditCheckpointCommand.self, AuditListCommand.self])
}

/// `tillit audit verify`: exit 0 when the hash chain is intact, 70 otherwise.
struct AuditVerifyCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the audit hash chain; exit 0 if intact, 70 if broken.",
        discussion: """
            With --checkpoint, also checks the chain still holds the checkpoint's event unchanged \
            (a chain cut back together with its head is found).
            Example:
              tillit audit verify --checkpoint audit.checkpoint --json
            """)

    @Option(help: "A checkpoint file written by `tillit audit checkpoint`.") var checkpoint: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var intact: Bool
        var eventsChecked: UInt64
        var firstBrokenSequence: UInt64?
        var problem: String?
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_VerifyAuditChainRequest()
            if let checkpoint {
                let saved = try AuditCheckpointFile.read(checkpoint)
                request.checkpoint.sequence = UInt64(saved.sequence)
                request.checkpoint.hash = saved.hash
                request.checkpoint.organizationID = saved.organization
            }
            let response = try await withIdentity { call in
                try await call.client.verifyAuditChain(request, options: call.options)
            }
            let result = Result(
                intact: response.intact, eventsChecked: response.eventsChecked,
                firstBrokenSequence: response.intact ? nil : response.firstBrokenSequence,
                problem: response.intact ? nil : response.problem)
            try output.emit(result) {
                result.intact
                    ? "Audit chain intact: \(result.eventsChecked) events checked."
                    : "Audit chain BROKEN at event \(response.firstBrokenSequence): \(response.problem)"
            }
            if !result.intact {
                throw CLIError(
                    .internalError, "the audit chain is broken; keep a copy of the database and investigate")
            }
        }
    }
}

/// `tillit audit checkpoint`: the chain's head now, to keep away from the database.
struct AuditCheckpointCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print (or write) the audit chain's head, to keep with your backups.",
        discussion: """
            Keep the file somewhere the database's host cannot write; `tillit audit verify \
            --checkpoint FILE` later proves no event up to it was cut or changed.
            Example:
              tillit audit checkpoint --out /backups/audit.checkpoint
            """)

    @Option(help: "Write the checkpoint to this file (created, never overwritten).") var out: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let response = try await withIdentity { call in
                try await call.client.getAuditCheckpoint(.init(), options: call.options)
            }
            let saved = AuditCheckpoint(
                organization: response.checkpoint.organizationID,
                sequence: Int64(clamping: response.checkpoint.sequence), hash: response.checkpoint.hash)
            if let out { try AuditCheckpointFile.write(saved, to: out) }
            try output.emit(saved) {
                "Audit checkpoint: event \(saved.sequence), \(saved.hash)"
                    + (out.map { " (written to \($0))" } ?? "")
            }
        }
    }
}

/// `tillit audit list`.
struct AuditListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List audit events, newest first.",
        discussion: """
            Example:
              tillit audit list --action login --limit 20
            """)

    @Option(help: "Only this action, e.g. login, consent.record.") var action = ""
    @Option(help: "Only events by this account.") var actor: String?
    @Option(help: "Only events concerning this client.") var client: String?
    @Option(help: "At most this many events.") var limit = 50
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// One event as printed.
    struct EventView: Codable {
        var sequence: UInt64
        var at: Date
        var actor: String?
        var action: String
        var outcome: String
        var subject: String?
        var client: String?
        var detail: String
        var requestId: String
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_ListAuditEventsRequest()
            request.action = action
            if let actor { request.actor.value = actor }
            if let client { request.client.value = client }
            request.page.pageSize = UInt32(max(1, min(limit, 500)))
            let events = try await withIdentity { call in
                try await call.client.listAuditEvents(request, options: call.options).events
            }
            let views = events.prefix(limit).map { event in
                EventView(
                    sequence: event.sequence, at: event.at.date,
                    actor: event.actor.value.isEmpty ? nil : event.actor.value,
                    action: event.action,
                    outcome: event.outcome == .success
                        ? "success" : event.outcome == .denied ? "denied" : "failure",
                    subject: event.subject.value.isEmpty ? nil : event.subject.value,
                    client: event.client.value.isEmpty ? nil : event.client.value, detail: event.detail,
                    requestId: event.requestID)
            }
            try output.emit(Array(views)) {
                views.isEmpty
                    ? "No events."
                    : Terminal.table(
                        header: ["SEQ", "AT", "ACTION", "OUTCOME", "ACTOR", "SUBJECT", "DETAIL"],
                        rows: views.map {
                            [
                                String($0.sequence), Display.date($0.at), $0.action, $0.outcome,
                                $0.actor ?? "-",
                                $0.subject ?? "-", Display.cell($0.detail),
                            ]
                        })
            }
        }
    }
}
