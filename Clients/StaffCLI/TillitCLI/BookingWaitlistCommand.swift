import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking waitlist`: clients waiting for a freed slot.
struct BookingWaitlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waitlist",
        abstract: "Join or leave the waitlist, accept an offered slot, list entries.",
        discussion: """
            When an appointment is cancelled or moved, its slot is offered to the earliest waiting \
            entry that matches (the session type, a window containing the start, the practitioner \
            or anyone), until the offer expires; accepting books it.

            Examples:
              tillit booking waitlist join --session-type 7c1f… --from 2026-03-16 --until 2026-03-21
              tillit booking waitlist list --status offered
              tillit booking waitlist accept 6d0e…
            """,
        subcommands: [
            BookingWaitlistJoinCommand.self, BookingWaitlistLeaveCommand.self,
            BookingWaitlistAcceptCommand.self,
            BookingWaitlistListCommand.self,
        ])
}

/// `tillit booking waitlist join`.
struct BookingWaitlistJoinCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract:
            "Wait for a freed slot of a session type in a window (a client itself; staff for a client).",
        discussion: """
            --from and --until are dates (local midnight in --zone) or times; slots starting in \
            [from, until) suit you (at most 366 days).

            Examples:
              tillit booking waitlist join --session-type 7c1f… --from tomorrow --until 2026-03-21
              tillit booking waitlist join --client 9e0b… --practitioner 4d2a… --session-type 7c1f… \\
                --from "2026-03-16 08:00" --until "2026-03-16 12:00" --json
            """)

    @Option(help: "The client's account id (staff; a client joins for itself).") var client = ""
    @Option(help: "Only this practitioner (account id or me; default: anyone).") var practitioner: String?
    @Option(help: "The session type id.") var sessionType: String
    @Option(help: "Start of the window: a date or a time.") var from: String
    @Option(help: "End of the window (exclusive): a date or a time.") var until: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (entry, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                var request = Tillit_Booking_V1_JoinWaitlistRequest()
                if !client.isEmpty { request.clientID.value = call.account(client) }
                if let practitioner { request.practitionerID.value = call.account(practitioner) }
                request.sessionTypeID = sessionType
                request.window.start = .init(try context.clock.dayStart(from, option: "--from"))
                request.window.end = .init(try context.clock.dayStart(until, option: "--until"))
                let entry = try await call.client.joinWaitlist(request, options: call.options).entry
                return (entry, context)
            }
            let view = WaitlistView(entry)
            try output.emit(view) {
                "\(context.account(view.clientId)) is waiting for \(context.sessionType(view.sessionTypeId)) "
                    + "with \(view.practitionerId.map(context.account) ?? "anyone"), "
                    + "\(context.clock.dateTime(view.windowStart)) – \(context.clock.dateTime(view.windowEnd)): \(view.id)"
            }
        }
    }
}

/// `tillit booking waitlist leave`.
struct BookingWaitlistLeaveCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave",
        abstract: "Leave the waitlist (the client, scheduler or admin); an open offer passes on.",
        discussion: """
            Example:
              tillit booking waitlist leave 6d0e…
            """)

    @Argument(help: "The waitlist entry id.") var entryID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_WaitlistEntryRequest()
            request.entryID = entryID
            let entry = try await withBooking { call in
                try await call.client.leaveWaitlist(request, options: call.options).entry
            }
            let view = WaitlistView(entry)
            try output.emit(view) { "Left the waitlist: \(view.id)." }
        }
    }
}

/// An accepted offer: the entry and the appointment booked for it.
struct WaitlistAcceptedView: Codable, Sendable {
    var entry: WaitlistView
    var appointment: AppointmentView
}

/// `tillit booking waitlist accept`.
struct BookingWaitlistAcceptCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract:
            "Accept the slot offered to a waitlist entry: books it (exit 67 if it is taken or the offer expired).",
        discussion: """
            Example:
              tillit booking waitlist accept 6d0e…
              tillit booking waitlist accept 6d0e… --json | jq -r .appointment.id
            """)

    @Argument(help: "The waitlist entry id.") var entryID: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_WaitlistEntryRequest()
            request.entryID = entryID
            let (response, context) = try await withBooking { call in
                let response = try await call.client.acceptWaitlistOffer(request, options: call.options)
                return (response, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = WaitlistAcceptedView(
                entry: WaitlistView(response.entry), appointment: AppointmentView(response.appointment))
            try output.emit(view) {
                let appointment = view.appointment
                return
                    "Booked \(context.sessionType(appointment.sessionTypeId)) with \(context.account(appointment.practitionerId)) "
                    + "for \(context.account(appointment.clientId)), \(appointment.when(context)) at "
                    + "\(context.location(appointment.locationId)): \(appointment.id)"
            }
        }
    }
}

/// `tillit booking waitlist list`.
struct BookingWaitlistListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List waitlist entries, oldest first (a client: its own; staff: all).",
        discussion: """
            Example:
              tillit booking waitlist list --status offered --json
            """)

    @Option(help: "waiting, offered, booked, expired or left (default: every status).") var status: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let status = try status.map { try Names.value($0, in: Names.waitlistStatuses, what: "status") }
            let (entries, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_ListWaitlistRequest()
                request.status = status ?? .unspecified
                request.page.pageSize = 200
                var entries: [Tillit_Booking_V1_WaitlistEntry] = []
                repeat {
                    let response = try await call.client.listWaitlist(request, options: call.options)
                    entries += response.entries
                    request.page.pageToken = response.page.nextPageToken
                } while !request.page.pageToken.isEmpty
                return (entries, try await call.context(zone: zone.zone, names: !output.json))
            }
            let views = entries.map(WaitlistView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No waitlist entries."
                    : Terminal.table(
                        header: WaitlistView.header(context), rows: views.map { $0.row(context) })
            }
        }
    }
}
