import ArgumentParser
import Foundation
import TillitContracts

/// `tillit consent`: a client's consents.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record, revoke and list a client's consents.",
        discussion: """
            Kinds: treatment, share-with-practitioner (needs --practitioner), case-consultation, \
            contact-by-message. Staff recording on the client's behalf must say how it was given.

            Example:
              tillit consent grant 7c1e… treatment --how-given "orally at intake, 2026-03-02"
            """,
        subcommands: [ConsentGrantCommand.self, ConsentRevokeCommand.self, ConsentListCommand.self])
}

/// A consent as `tillit` prints it.
struct ConsentView: Codable, Sendable {
    var id: String
    var clientId: String
    var kind: String
    var practitionerId: String?
    var grantedAt: Date?
    var recordedBy: String
    var howGiven: String
    var revokedAt: Date?
    var revokedBy: String?
    var revocationHowGiven: String?
    var inForce: Bool

    init(_ consent: Tillit_Identity_V1_Consent) {
        id = consent.id
        clientId = consent.clientID.value
        kind = Names.word(consent.kind, in: Names.consentKinds)
        practitionerId = consent.practitionerID.value.isEmpty ? nil : consent.practitionerID.value
        grantedAt = consent.hasGrantedAt ? consent.grantedAt.date : nil
        recordedBy = consent.recordedBy.value
        howGiven = consent.howGiven
        revokedAt = consent.hasRevokedAt ? consent.revokedAt.date : nil
        revokedBy = consent.revokedBy.value.isEmpty ? nil : consent.revokedBy.value
        revocationHowGiven = consent.revocationHowGiven.isEmpty ? nil : consent.revocationHowGiven
        inForce = !consent.hasRevokedAt
    }

    var row: [String] {
        [
            id, kind, practitionerId ?? "-", Display.date(grantedAt), Display.cell(howGiven),
            inForce ? "in force" : "revoked \(Display.date(revokedAt))",
        ]
    }

    static let header = ["ID", "KIND", "PRACTITIONER", "GRANTED", "HOW GIVEN", "STATUS"]
}

/// `tillit consent grant`.
struct ConsentGrantCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Record a client's consent (on the client's behalf: --how-given is required).",
        discussion: """
            Examples:
              tillit consent grant 7c1e… treatment --how-given "signed form at intake"
              tillit consent grant 7c1e… share-with-practitioner --practitioner 4d2a… \\
                --how-given "orally, 2026-03-02"
            """)

    @Argument(help: "The client's account id.") var clientID: String
    @Argument(help: "treatment, share-with-practitioner, case-consultation or contact-by-message.")
    var kind: String
    @Option(help: "The practitioner (share-with-practitioner only).") var practitioner: String?
    @Option(help: "How the client gave it, e.g. \"orally at intake, 2026-03-02\".") var howGiven = ""
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_RecordConsentRequest()
            request.clientID.value = clientID
            request.kind = try Names.value(kind, in: Names.consentKinds, what: "consent kind")
            if let practitioner { request.practitionerID.value = practitioner }
            request.howGiven = howGiven
            let consent = try await withIdentity { call in
                if call.session.accountID != clientID, howGiven.isEmpty {
                    throw CLIError(
                        .usage,
                        "recording consent on a client's behalf needs --how-given \"<how and when it was given>\""
                    )
                }
                return try await call.client.recordConsent(request, options: call.options).consent
            }
            let view = ConsentView(consent)
            try output.emit(view) { "Recorded \(view.kind) consent \(view.id) for client \(view.clientId)." }
        }
    }
}

/// `tillit consent revoke`.
struct ConsentRevokeCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a consent (on the client's behalf: --how-given is required).",
        discussion: """
            Example:
              tillit consent revoke 9a0b… --how-given "by phone, 2026-04-01"
            """)

    @Argument(help: "The consent id.") var consentID: String
    @Option(help: "How the client revoked it.") var howGiven = ""
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_RevokeConsentRequest()
            request.consentID = consentID
            request.howGiven = howGiven
            let consent = try await withIdentity { call in
                try await call.client.revokeConsent(request, options: call.options).consent
            }
            let view = ConsentView(consent)
            try output.emit(view) { "Revoked \(view.kind) consent \(view.id)." }
        }
    }
}

/// `tillit consent list`.
struct ConsentListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a client's consents, newest first.",
        discussion: """
            Example:
              tillit consent list 7c1e… --include-revoked
            """)

    @Argument(help: "The client's account id.") var clientID: String
    @Flag(help: "Include revoked consents.") var includeRevoked = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_ListConsentsRequest()
            request.clientID.value = clientID
            request.includeRevoked = includeRevoked
            request.page.pageSize = 200
            let consents = try await withIdentity { call in
                var all: [Tillit_Identity_V1_Consent] = []
                repeat {
                    let response = try await call.client.listConsents(request, options: call.options)
                    all += response.consents
                    request.page.pageToken = response.page.nextPageToken
                } while !request.page.pageToken.isEmpty
                return all
            }
            let views = consents.map(ConsentView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No consents." : Terminal.table(header: ConsentView.header, rows: views.map(\.row))
            }
        }
    }
}
