import ArgumentParser
import Foundation
import TillitContracts
import TillitRPC

/// `tillit booking agreements`: agreements between a practitioner and a client, and their series.
struct BookingAgreementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements",
        abstract: "Propose, decide, pause, resume, end, show and list agreements and their series.",
        discussion: """
            A practitioner proposes an agreement to a client after an intake (an attended \
            appointment, or an intake request they accepted); the client accepts or declines it. \
            While active, its series keeps appointments booked 4 weeks ahead; an occurrence whose \
            time is taken is shown as a collision with the reason.

            Examples:
              tillit booking agreements propose --client 9e0b… --goal "Sleep through the night" \\
                --every-weeks 1 --weekday tue --time 10:00 --session-type 7c1f… --location 1b6e… \\
                --start 2026-03-16 --count 10 --price 950.00 --currency SEK
              tillit booking agreements accept 2a7c…
              tillit booking agreements show 2a7c…
            """,
        subcommands: [
            BookingAgreementsProposeCommand.self, BookingAgreementsAcceptCommand.self,
            BookingAgreementsDeclineCommand.self, BookingAgreementsPauseCommand.self,
            BookingAgreementsResumeCommand.self, BookingAgreementsEndCommand.self,
            BookingAgreementsShowCommand.self, BookingAgreementsListCommand.self,
        ])
}

/// `tillit booking agreements propose`.
struct BookingAgreementsProposeCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Propose an agreement to a client you have seen for an intake (practitioners).",
        discussion: """
            The first occurrence is the first --weekday on or after --start, at --time in --time-zone \
            (default: the practice's zone; 10:00 stays 10:00 across DST). Without --end or --count \
            the series has no end. Terms never change: end the agreement and propose another.

            Examples:
              tillit booking agreements propose --client 9e0b… --goal "Fewer panic attacks at work" \\
                --every-weeks 2 --weekday tue --time 10:00 --session-type 7c1f… --location 1b6e… \\
                --start 2026-03-16 --end 2026-06-30 --price 950.00 --currency SEK \\
                --payment-terms "invoice monthly" --cancellation-terms "24 h, else charged"
            """)

    @Option(help: "The client's account id.") var client: String
    @Option(help: "What the work aims at, in words the client reads.") var goal: String
    @Option(help: "Every N weeks (1 = weekly, up to 12).") var everyWeeks: UInt32 = 1
    @Option(help: "mon, tue, wed, thu, fri, sat or sun.") var weekday: String
    @Option(help: "Local start time, HH:MM (in --time-zone).") var time: String
    @Option(help: "IANA zone of --time (default: the practice's).") var timeZone = ""
    @Option(help: "The session type id.") var sessionType: String
    @Option(help: "The location id.") var location: String
    @Option(help: "The first date, e.g. 2026-03-16.") var start: String
    @Option(help: "No occurrence after this date.") var end: String?
    @Option(help: "At most this many occurrences.") var count: UInt32?
    @Option(help: "The price per session, e.g. 950.00 (or \"950.00 SEK\").") var price: String
    @Option(help: "ISO 4217 currency of --price, e.g. SEK.") var currency: String?
    @Option(help: "Payment terms (free text).") var paymentTerms = ""
    @Option(help: "Cancellation terms (free text).") var cancellationTerms = ""
    @Option(help: "The practitioner (default: you).") var practitioner = "me"
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if end != nil, count != nil { throw ValidationError("give --end or --count, not both") }
        guard (1...12).contains(everyWeeks) else {
            throw ValidationError("--every-weeks must be from 1 to 12")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var agreement = Tillit_Booking_V1_Agreement()
            agreement.goal = goal
            agreement.everyWeeks = everyWeeks
            agreement.weekday = try Names.value(weekday, in: Names.weekdays, what: "weekday")
            guard let minute = WeeklyRules.minute(time), minute < 1440 else {
                throw CLIError(.usage, "--time '\(time)': expected a local time like 10:00")
            }
            agreement.startMinute = minute
            if !timeZone.isEmpty { _ = try LocalClock(identifier: timeZone, option: "--time-zone") }
            agreement.timeZone = timeZone
            agreement.sessionTypeID = sessionType
            agreement.locationID = location
            agreement.startDate = try BookingInput.date(start, option: "--start")
            if let end { agreement.endDate = try BookingInput.date(end, option: "--end") }
            agreement.occurrenceCount = count ?? 0
            agreement.price = try BookingInput.money(
                currency.map { "\(price) \($0)" } ?? price, option: "--price")
            agreement.paymentTerms = paymentTerms
            agreement.cancellationTerms = cancellationTerms
            let (stored, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_ProposeAgreementRequest()
                request.agreement = agreement
                request.agreement.clientID.value = call.account(client)
                request.agreement.practitionerID.value = call.account(practitioner)
                let stored = try await call.client.proposeAgreement(request, options: call.options).agreement
                return (stored, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = AgreementView(stored)
            try output.emit(view) {
                "Proposed to \(context.account(view.clientId)): \(view.cadence), \(view.span), "
                    + "\(view.priceText): \(view.id)"
            }
        }
    }
}

/// What accept, decline, pause, resume and end share: one agreement id, one rpc.
protocol BookingAgreementActionCommand: AsyncParsableCommand, AuthenticatedCommand {
    var agreementID: String { get }
    var zone: ZoneOptions { get }
    var output: OutputOptions { get }
    /// `Accepted`, `Paused`, ….
    static var done: String { get }
    /// The rpc.
    static func call(
        _ client: Tillit_Booking_V1_Booking.Client, _ request: Tillit_Booking_V1_AgreementRequest,
        _ options: CallOptions
    ) async throws -> Tillit_Booking_V1_AgreementResponse
}

extension BookingAgreementActionCommand {
    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_AgreementRequest()
            request.agreementID = agreementID
            let (agreement, context) = try await withBooking { call in
                let agreement = try await Self.call(call.client, request, call.options).agreement
                return (agreement, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = AgreementView(agreement)
            try output.emit(view) {
                let booked = view.occurrences.filter { $0.status == "booked" }.count
                let collisions = view.occurrences.count - booked
                var text =
                    "\(Self.done) agreement \(view.id) with \(context.account(view.clientId)): \(view.status)"
                if !view.occurrences.isEmpty {
                    text += "; \(booked) occurrences booked"
                    if collisions > 0 {
                        text += ", \(collisions) collided (see `tillit booking agreements show`)"
                    }
                }
                return text
            }
        }
    }
}

/// `tillit booking agreements accept`.
struct BookingAgreementsAcceptCommand: BookingAgreementActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept a proposed agreement (its client): the series books 4 weeks ahead.",
        discussion: """
            Example:
              tillit booking agreements accept 2a7c…
            """)
    static let done = "Accepted"
    static func call(
        _ client: Tillit_Booking_V1_Booking.Client, _ request: Tillit_Booking_V1_AgreementRequest,
        _ options: CallOptions
    ) async throws -> Tillit_Booking_V1_AgreementResponse {
        try await client.acceptAgreement(request, options: options)
    }

    @Argument(help: "The agreement id.") var agreementID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions
}

/// `tillit booking agreements decline`.
struct BookingAgreementsDeclineCommand: BookingAgreementActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline",
        abstract: "Decline a proposed agreement (its client).",
        discussion: """
            Example:
              tillit booking agreements decline 2a7c…
            """)
    static let done = "Declined"
    static func call(
        _ client: Tillit_Booking_V1_Booking.Client, _ request: Tillit_Booking_V1_AgreementRequest,
        _ options: CallOptions
    ) async throws -> Tillit_Booking_V1_AgreementResponse {
        try await client.declineAgreement(request, options: options)
    }

    @Argument(help: "The agreement id.") var agreementID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions
}

/// `tillit booking agreements pause`.
struct BookingAgreementsPauseCommand: BookingAgreementActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract:
            "Pause an active agreement (either party, or admin): its future appointments are cancelled.",
        discussion: """
            Example:
              tillit booking agreements pause 2a7c…
            """)
    static let done = "Paused"
    static func call(
        _ client: Tillit_Booking_V1_Booking.Client, _ request: Tillit_Booking_V1_AgreementRequest,
        _ options: CallOptions
    ) async throws -> Tillit_Booking_V1_AgreementResponse {
        try await client.pauseAgreement(request, options: options)
    }

    @Argument(help: "The agreement id.") var agreementID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions
}

/// `tillit booking agreements resume`.
struct BookingAgreementsResumeCommand: BookingAgreementActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused agreement (either party, or admin): the series books again.",
        discussion: """
            Example:
              tillit booking agreements resume 2a7c…
            """)
    static let done = "Resumed"
    static func call(
        _ client: Tillit_Booking_V1_Booking.Client, _ request: Tillit_Booking_V1_AgreementRequest,
        _ options: CallOptions
    ) async throws -> Tillit_Booking_V1_AgreementResponse {
        try await client.resumeAgreement(request, options: options)
    }

    @Argument(help: "The agreement id.") var agreementID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions
}

/// `tillit booking agreements end`.
struct BookingAgreementsEndCommand: BookingAgreementActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract:
            "End an active or paused agreement (either party, or admin): future appointments are cancelled.",
        discussion: """
            Example:
              tillit booking agreements end 2a7c…
            """)
    static let done = "Ended"
    static func call(
        _ client: Tillit_Booking_V1_Booking.Client, _ request: Tillit_Booking_V1_AgreementRequest,
        _ options: CallOptions
    ) async throws -> Tillit_Booking_V1_AgreementResponse {
        try await client.endAgreement(request, options: options)
    }

    @Argument(help: "The agreement id.") var agreementID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions
}

/// `tillit booking agreements show`.
struct BookingAgreementsShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an agreement: its terms, goal and occurrences (booked, or collided and why).",
        discussion: """
            Examples:
              tillit booking agreements show 2a7c…
              tillit booking agreements show 2a7c… --json | jq '.occurrences[] | select(.status == "collision")'
            """)

    @Argument(help: "The agreement id.") var agreementID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_AgreementRequest()
            request.agreementID = agreementID
            let (agreement, context) = try await withBooking { call in
                let agreement = try await call.client.getAgreement(request, options: call.options).agreement
                return (agreement, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = AgreementView(agreement)
            try output.emit(view) { view.text(context) }
        }
    }
}

/// `tillit booking agreements list`.
struct BookingAgreementsListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List agreements, newest first (a client: its own; a practitioner: theirs).",
        discussion: """
            Occurrences are not listed here; `agreements show <id>` has them.

            Example:
              tillit booking agreements list --status proposed
            """)

    @Option(help: "proposed, active, paused, declined or ended (default: every status).") var status: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let status = try status.map { try Names.value($0, in: Names.agreementStatuses, what: "status") }
            let (agreements, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_ListAgreementsRequest()
                request.status = status ?? .unspecified
                request.page.pageSize = 200
                var agreements: [Tillit_Booking_V1_Agreement] = []
                repeat {
                    let response = try await call.client.listAgreements(request, options: call.options)
                    agreements += response.agreements
                    request.page.pageToken = response.page.nextPageToken
                } while !request.page.pageToken.isEmpty
                return (agreements, try await call.context(zone: zone.zone, names: !output.json))
            }
            let views = agreements.map(AgreementView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No agreements."
                    : Terminal.table(
                        header: AgreementView.header(context), rows: views.map { $0.row(context) })
            }
        }
    }
}
