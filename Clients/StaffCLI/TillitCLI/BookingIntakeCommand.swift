import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking intake`: clients' requests to begin.
struct BookingIntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "List, accept or decline intake requests (accept, decline: practitioners).",
        discussion: """
            Example:
              tillit booking intake list --status open
            """,
        subcommands: [
            BookingIntakeListCommand.self, BookingIntakeAcceptCommand.self, BookingIntakeDeclineCommand.self,
        ])
}

/// `tillit booking intake list`.
struct BookingIntakeListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List intake requests, newest first (a practitioner: those naming them or anyone).",
        discussion: """
            Example:
              tillit booking intake list --status open --json
            """)

    @Option(help: "open, accepted, declined or withdrawn (default: every status).") var status: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let status = try status.map { try Names.value($0, in: Names.intakeStatuses, what: "status") }
            let (intakes, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_ListIntakeRequestsRequest()
                request.status = status ?? .unspecified
                request.page.pageSize = 200
                var intakes: [Tillit_Booking_V1_IntakeRequest] = []
                repeat {
                    let response = try await call.client.listIntakeRequests(request, options: call.options)
                    intakes += response.intakes
                    request.page.pageToken = response.page.nextPageToken
                } while !request.page.pageToken.isEmpty
                return (intakes, try await call.context(zone: zone.zone, names: !output.json))
            }
            let views = intakes.map(IntakeView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No intake requests."
                    : Terminal.table(header: IntakeView.header(context), rows: views.map { $0.row(context) })
            }
        }
    }
}

/// `tillit booking intake accept`.
struct BookingIntakeAcceptCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Take an open intake request on (then book the intake appointment with the client).",
        discussion: """
            Example:
              tillit booking intake accept 3c9d…
            """)

    @Argument(help: "The intake request id.") var intakeID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_AcceptIntakeRequest()
            request.intakeID = intakeID
            let intake = try await withBooking { call in
                try await call.client.acceptIntake(request, options: call.options).intake
            }
            let view = IntakeView(intake)
            try output.emit(view) {
                "Accepted intake request \(view.id) of client \(view.clientId): book the intake with "
                    + "`tillit booking book --client \(view.clientId) …`"
            }
        }
    }
}

/// `tillit booking intake decline`.
struct BookingIntakeDeclineCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline",
        abstract: "Decline an open intake request, perhaps suggesting where else to turn.",
        discussion: """
            Example:
              tillit booking intake decline 3c9d… --reason "no capacity before autumn" \\
                --referral "the county's psychiatry clinic, 08-123 45 67"
            """)

    @Argument(help: "The intake request id.") var intakeID: String
    @Option(help: "Why, for the client.") var reason = ""
    @Option(help: "Where the client might turn instead.") var referral = ""
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_DeclineIntakeRequest()
            request.intakeID = intakeID
            request.reason = reason
            request.referralSuggestion = referral
            let intake = try await withBooking { call in
                try await call.client.declineIntake(request, options: call.options).intake
            }
            let view = IntakeView(intake)
            try output.emit(view) { "Declined intake request \(view.id)." }
        }
    }
}
