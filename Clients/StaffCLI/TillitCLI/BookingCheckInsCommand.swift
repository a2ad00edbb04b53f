import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking check-ins`: supportive check-ins a practitioner marks for later.
struct BookingCheckInsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-ins",
        abstract:
            "Mark a client for a check-in after a rest period, list those due, close one (practitioners).",
        discussion: """
            Nothing reaches the client by itself: a due check-in is only listed for you.

            Example:
              tillit booking check-ins mark --client 9e0b… --rest 6w --reason "after the last session"
            """,
        subcommands: [
            BookingCheckInsMarkCommand.self, BookingCheckInsDueCommand.self, BookingCheckInsCloseCommand.self,
        ])
}

/// `tillit booking check-ins mark`.
struct BookingCheckInsMarkCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "mark",
        abstract:
            "Mark a client (with whom you have a care relationship) for a check-in after a rest period.",
        discussion: """
            Rest: 1–365 days, 1–52 weeks or 1–24 months (calendar months in the practice's zone).

            Example:
              tillit booking check-ins mark --client 9e0b… --rest "3 months"
            """)

    @Option(help: "The client's account id.") var client: String
    @Option(help: "The rest period, e.g. 10d, 6w, \"3 months\".") var rest: String
    @Option(help: "Why, for you.") var reason = ""
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let period = try BookingInput.rest(rest, option: "--rest")
            let (checkIn, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_MarkCheckInRequest()
                request.clientID.value = client
                request.restAmount = period.amount
                request.restUnit = period.unit
                request.reason = reason
                let checkIn = try await call.client.markCheckIn(request, options: call.options).checkIn
                return (checkIn, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = CheckInView(checkIn)
            try output.emit(view) {
                "Marked \(context.account(view.clientId)) for a check-in, due \(context.clock.dateTime(view.dueAt)): \(view.id)"
            }
        }
    }
}

/// `tillit booking check-ins due`.
struct BookingCheckInsDueCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "Your marked check-ins whose rest period has passed, oldest first.",
        discussion: """
            Example:
              tillit booking check-ins due
            """)

    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (checkIns, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_ListDueCheckInsRequest()
                request.page.pageSize = 200
                var checkIns: [Tillit_Booking_V1_CheckIn] = []
                repeat {
                    let response = try await call.client.listDueCheckIns(request, options: call.options)
                    checkIns += response.checkIns
                    request.page.pageToken = response.page.nextPageToken
                } while !request.page.pageToken.isEmpty
                return (checkIns, try await call.context(zone: zone.zone, names: !output.json))
            }
            let views = checkIns.map(CheckInView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No check-ins due."
                    : Terminal.table(header: CheckInView.header(context), rows: views.map { $0.row(context) })
            }
        }
    }
}

/// `tillit booking check-ins close`.
struct BookingCheckInsCloseCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a check-in: done (you checked in), or --withdraw the mark.",
        discussion: """
            Examples:
              tillit booking check-ins close 8b1a…
              tillit booking check-ins close 8b1a… --withdraw
            """)

    @Argument(help: "The check-in id.") var checkInID: String
    @Flag(help: "Withdraw the mark instead of recording that you checked in.") var withdraw = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_CloseCheckInRequest()
            request.checkInID = checkInID
            request.status = withdraw ? .cancelled : .done
            let checkIn = try await withBooking { call in
                try await call.client.closeCheckIn(request, options: call.options).checkIn
            }
            let view = CheckInView(checkIn)
            try output.emit(view) { withdraw ? "Withdrew check-in \(view.id)." : "Check-in \(view.id) done." }
        }
    }
}
