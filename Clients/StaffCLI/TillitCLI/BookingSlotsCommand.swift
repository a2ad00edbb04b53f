import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking slots`: free slots of one session type across the whole team.
struct BookingSlotsCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "slots",
        abstract: "Search free slots of a session type across the team.",
        discussion: """
            Filters narrow the search; without them every practitioner and location is searched. \
            Times are shown in --zone (e.g. the client's), else the practice's zone. At most 62 days.

            Examples:
              tillit booking slots --session-type 7c1f… --city Stockholm --language sv --days 14
              tillit booking slots --session-type 7c1f… --practitioner 4d2a… --from tomorrow \\
                --zone Europe/Helsinki --json
            """)

    @Option(help: "The session type id.") var sessionType: String
    @Option(help: "Only this practitioner (repeatable; account id or me).") var practitioner: [String] = []
    @Option(help: "Only this location (repeatable).") var location: [String] = []
    @Option(help: "Only locations in this city.") var city = ""
    @Option(help: "Only practitioners working in this language (BCP 47, e.g. sv).") var language = ""
    @Option(help: "Only practitioners of this discipline, e.g. psychotherapist.") var discipline = ""
    @Option(help: "Start of the search: a date or a time.") var from = "now"
    @Option(help: "Days to search (1–62).") var days = 7
    @Option(help: "Only slots starting at least this many minutes from now (e.g. 120, 24h).")
    var notice: String?
    @Option(help: "The most slots to show (1–500).") var limit = 50
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...62).contains(days) else { throw ValidationError("--days must be from 1 to 62") }
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be from 1 to 500") }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let notice = try notice.map { try BookingInput.minutes($0, option: "--notice") } ?? 0
            let (response, context) = try await withBooking { call in
                let context = try await call.context(zone: zone.zone, names: !output.json)
                let start = try context.clock.dayStart(from, option: "--from")
                var end = context.clock.addingDays(days, to: start)
                // The service searches at most 62 days (a clock change may add an hour).
                end = min(end, start.addingTimeInterval(62 * 86_400))
                var request = Tillit_Booking_V1_SearchSlotsRequest()
                request.sessionTypeID = sessionType
                request.during.start = .init(start)
                request.during.end = .init(end)
                request.practitionerIds = practitioner.map { Tillit_Common_V1_AccountId(call.account($0)) }
                request.locationIds = location
                request.city = city
                request.language = language
                request.discipline = discipline
                request.minimumNoticeMinutes = notice
                request.clientTimeZone = context.clock.identifier
                request.page.pageSize = UInt32(limit)
                return (try await call.client.searchSlots(request, options: call.options), context)
            }
            let views = response.slots.map(SlotView.init)
            try output.emit(views) {
                guard !views.isEmpty else { return "No free slots." }
                var text = Terminal.table(
                    header: SlotView.header(context), rows: views.map { $0.row(context) })
                if !response.page.nextPageToken.isEmpty {
                    text += "\n(more slots: raise --limit, or search from a later --from)"
                }
                return text
            }
        }
    }
}
