import ArgumentParser
import Foundation
import TillitContracts

/// `tillit supervision relationships`: supervisor ↔ supervisee relationships.
struct SupervisionRelationshipsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relationships",
        abstract: "Supervisor ↔ supervisee relationships: list, add, end.",
        subcommands: [
            SupervisionRelationshipsListCommand.self, SupervisionRelationshipsAddCommand.self,
            SupervisionRelationshipsEndCommand.self,
        ],
        defaultSubcommand: SupervisionRelationshipsListCommand.self)
}

/// `tillit supervision relationships list`.
struct SupervisionRelationshipsListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Relationships: an admin sees all, a supervisor and a supervisee their own.",
        discussion: """
            Example:
              tillit supervision relationships list --include-ended
            """)

    @Flag(help: "Also relationships that have ended.") var includeEnded = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (relationships, names) = try await withSupervision { call in
                let response = try await call.client.listRelationships(
                    .with { $0.includeEnded = includeEnded }, options: call.options)
                return (response.relationships, await call.context(names: !output.json))
            }
            let views = relationships.map(RelationshipView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No supervision relationships."
                    : Terminal.table(header: RelationshipView.header, rows: views.map { $0.row(names) })
            }
        }
    }
}

/// `tillit supervision relationships add`.
struct SupervisionRelationshipsAddCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Start a relationship (an admin; a supervisor for themself).",
        discussion: """
            The supervisor must hold the supervisor role; for a pre-licensed supervisee it must be \
            the supervisor Identity names for them (`tillit staff update --supervisor`). Hours count \
            from --agreement-approved-on, the day the supervision agreement was approved.

            Example:
              tillit supervision relationships add --supervisor me --supervisee 4d2a… \\
                --mode cosign-all --starts-on 2026-09-01 --agreement-approved-on 2026-09-03
            """)

    @Option(help: "The supervisor's account id (or me).") var supervisor: String
    @Option(help: "The supervisee's account id.") var supervisee: String
    @Option(help: "none, review or cosign-all.") var mode: String
    @Option(help: "The first day (default: today).") var startsOn: String?
    @Option(help: "The day the supervision agreement was approved (hours count from then).")
    var agreementApprovedOn: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let mode = try Names.value(self.mode, in: Names.cosignatureModes, what: "mode")
            let approved = try CivilDates.wire(agreementApprovedOn, option: "--agreement-approved-on")
            let explicitStart = try startsOn.map { try CivilDates.wire($0, option: "--starts-on") }
            let (relationship, names) = try await withSupervision { call in
                var request = Tillit_Supervision_V1_CreateRelationshipRequest()
                request.supervisorID = call.accountID(supervisor)
                request.superviseeID = call.accountID(supervisee)
                request.mode = mode
                if let explicitStart {
                    request.startsOn = explicitStart
                } else {
                    request.startsOn = .init(try await call.today())
                }
                request.agreementApprovedOn = approved
                let response = try await call.client.createRelationship(request, options: call.options)
                return (response.relationship, await call.context(names: !output.json))
            }
            let view = RelationshipView(relationship)
            try output.emit(view) {
                "Relationship \(view.id): \(names.account(view.supervisorId)) supervises "
                    + "\(names.account(view.superviseeId)) from \(view.startsOn) (\(view.mode))"
            }
        }
    }
}

/// `tillit supervision relationships end`.
struct SupervisionRelationshipsEndCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract: "End a relationship on a date (an admin; its supervisor).",
        discussion: """
            Example:
              tillit supervision relationships end 7c1e… --ends-on 2026-12-31
            """)

    @Argument(help: "The relationship id.") var relationshipID: String
    @Option(help: "The last day (default: today).") var endsOn: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let explicitEnd = try endsOn.map { try CivilDates.wire($0, option: "--ends-on") }
            let relationship = try await withSupervision { call in
                var request = Tillit_Supervision_V1_EndRelationshipRequest()
                request.relationshipID = relationshipID
                if let explicitEnd {
                    request.endsOn = explicitEnd
                } else {
                    request.endsOn = .init(try await call.today())
                }
                return try await call.client.endRelationship(request, options: call.options).relationship
            }
            let view = RelationshipView(relationship)
            try output.emit(view) { "Relationship \(view.id) ends on \(view.endsOn ?? "-")." }
        }
    }
}
