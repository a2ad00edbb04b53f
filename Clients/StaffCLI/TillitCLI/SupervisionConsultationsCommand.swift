import ArgumentParser
import Foundation
import TillitContracts

/// `tillit supervision consultations`: case consultations between a supervisee and supervisor.
struct SupervisionConsultationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consultations",
        abstract: "Case consultations: raise a topic, reply, close with outcome and actions.",
        discussion: """
            Readable by the supervisee and supervisor only. A client is attached only with their \
            case-consultation consent, checked on every read: once it is revoked the client is \
            withheld and the topic stays.
            """,
        subcommands: [
            SupervisionConsultationsListCommand.self, SupervisionConsultationsRaiseCommand.self,
            SupervisionConsultationsShowCommand.self, SupervisionConsultationsReplyCommand.self,
            SupervisionConsultationsCloseCommand.self,
        ],
        defaultSubcommand: SupervisionConsultationsListCommand.self)
}

/// `tillit supervision consultations list`.
struct SupervisionConsultationsListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Your consultations (as supervisee or supervisor).")

    @Flag(help: "Also closed ones.") var includeClosed = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (consultations, names) = try await withSupervision { call in
                let response = try await call.client.listConsultations(
                    .with { $0.includeClosed = includeClosed }, options: call.options)
                return (response.consultations, await call.context(names: !output.json))
            }
            let views = consultations.map(ConsultationView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No consultations."
                    : Terminal.table(
                        header: [
                            "RAISED", "TOPIC", "SUPERVISEE", "SUPERVISOR", "CLIENT", "REPLIES", "STATUS",
                            "ID",
                        ],
                        rows: views.map {
                            [
                                Display.date($0.createdAt), $0.topic, names.account($0.superviseeId),
                                names.account($0.supervisorId), $0.client(names), String($0.replies.count),
                                $0.closed ? "closed" : "open", $0.id,
                            ]
                        })
            }
        }
    }
}

/// `tillit supervision consultations raise`.
struct SupervisionConsultationsRaiseCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "raise",
        abstract: "Raise a topic with your supervisor (supervisees), with a de-identified summary.",
        discussion: """
            Example:
              tillit supervision consultations raise --topic "Ending with a long-term client" \\
                --summary "Client in their fifties, seen for two years, …" --client 4d2a…
            """)

    @Option(help: "The topic (a line).") var topic: String
    @Option(help: "A de-identified summary.") var summary: String
    @Option(help: "A client to attach (only with their case-consultation consent).") var client: String?
    @Option(help: "The supervisor (default: your one active supervisor).") var supervisor: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let consultation = try await withSupervision { call in
                var request = Tillit_Supervision_V1_RaiseConsultationRequest()
                request.topic = topic
                request.summary = summary
                if let client { request.clientID = call.accountID(client) }
                if let supervisor { request.supervisorID = call.accountID(supervisor) }
                return try await call.client.raiseConsultation(request, options: call.options).consultation
            }
            let view = ConsultationView(consultation)
            try output.emit(view) { "Raised \"\(view.topic)\": \(view.id)" }
        }
    }
}

/// `tillit supervision consultations show`.
struct SupervisionConsultationsShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A consultation with its thread.")

    @Argument(help: "The consultation id.") var consultationID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (consultation, names) = try await withSupervision { call in
                let consultation = try await call.client.getConsultation(
                    .with { $0.consultationID = consultationID }, options: call.options
                ).consultation
                return (consultation, await call.context(names: !output.json))
            }
            let view = ConsultationView(consultation)
            try output.emit(view) { view.text(names) }
        }
    }
}

/// `tillit supervision consultations reply`.
struct SupervisionConsultationsReplyCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply", abstract: "Reply in a consultation's thread (either party).")

    @Argument(help: "The consultation id.") var consultationID: String
    @Option(help: "The reply.") var text: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let reply = try await withSupervision { call in
                try await call.client.addReply(
                    .with {
                        $0.consultationID = consultationID
                        $0.text = text
                    }, options: call.options
                ).reply
            }
            let view = ConsultationView.Reply(
                id: reply.id, authorId: reply.authorID.value, text: reply.text,
                createdAt: reply.createdAt.date)
            try output.emit(view) { "Replied: \(view.id)" }
        }
    }
}

/// `tillit supervision consultations close`.
struct SupervisionConsultationsCloseCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a consultation with its outcome and actions (either party).",
        discussion: """
            Example:
              tillit supervision consultations close 9b2f… --outcome "Plan an ending over six sessions" \\
                --action "Discuss the ending next session" --action "Review in supervision in a month"
            """)

    @Argument(help: "The consultation id.") var consultationID: String
    @Option(help: "The outcome.") var outcome: String
    @Option(name: .customLong("action"), help: "An agreed action (repeatable).") var actions: [String] = []
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let consultation = try await withSupervision { call in
                try await call.client.closeConsultation(
                    .with {
                        $0.consultationID = consultationID
                        $0.outcome = outcome
                        $0.actions = actions
                    }, options: call.options
                ).consultation
            }
            let view = ConsultationView(consultation)
            try output.emit(view) { "Closed \"\(view.topic)\": \(view.id)" }
        }
    }
}
