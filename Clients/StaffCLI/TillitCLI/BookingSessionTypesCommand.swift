import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking session-types`: the kinds of session the practice offers.
struct BookingSessionTypesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session-types",
        abstract: "List, create and archive session types (create, archive: admin).",
        discussion: """
            Example:
              tillit booking session-types create --name "Individual session" --duration 50 \\
                --buffer 10 --price "1100.00 SEK"
            """,
        subcommands: [
            BookingSessionTypesListCommand.self, BookingSessionTypesCreateCommand.self,
            BookingSessionTypesArchiveCommand.self,
        ])
}

/// `tillit booking session-types list`.
struct BookingSessionTypesListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List session types by name.",
        discussion: """
            Example:
              tillit booking session-types list --include-archived --json
            """)

    @Flag(help: "Include archived session types (staff).") var includeArchived = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_ListSessionTypesRequest()
            request.includeArchived = includeArchived
            let types = try await withBooking { call in
                try await call.client.listSessionTypes(request, options: call.options).sessionTypes
            }
            let views = types.map(SessionTypeView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No session types."
                    : Terminal.table(header: SessionTypeView.header, rows: views.map(\.row))
            }
        }
    }
}

/// `tillit booking session-types create`.
struct BookingSessionTypesCreateCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a session type (admin).",
        discussion: """
            Examples:
              tillit booking session-types create --name "Individual session" --duration 50 \\
                --buffer 10 --price "1100.00 SEK"
              tillit booking session-types create --name "Group evening" --duration 90 --capacity 8 \\
                --modality in-person --price "450 SEK"
            """)

    @Option(help: "Its name (unique among active session types).") var name: String
    @Option(help: "Minutes (5–480).") var duration: UInt32
    @Option(help: "The practitioner's minutes after the session, kept free (0–240).") var buffer: UInt32 = 0
    @Option(help: "in-person, video or phone.") var modality = "in-person"
    @Option(help: "Places: 1 for an individual session, up to 100 for a group.") var capacity: UInt32 = 1
    @Option(help: "Price and ISO 4217 currency, e.g. \"1100.00 SEK\".") var price: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_CreateSessionTypeRequest()
            request.sessionType.name = name
            request.sessionType.durationMinutes = duration
            request.sessionType.bufferAfterMinutes = buffer
            request.sessionType.modality = try Names.value(modality, in: Names.modalities, what: "modality")
            request.sessionType.capacity = capacity
            request.sessionType.price = try BookingInput.money(price, option: "--price")
            let type = try await withBooking { call in
                try await call.client.createSessionType(request, options: call.options).sessionType
            }
            let view = SessionTypeView(type)
            try output.emit(view) {
                "Created session type \(view.name) (\(view.durationMinutes) min, \(view.modality), \(view.priceText)): \(view.id)"
            }
        }
    }
}

/// `tillit booking session-types archive`.
struct BookingSessionTypesArchiveCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive a session type: no new bookings; appointments keep it (admin).",
        discussion: """
            Example:
              tillit booking session-types archive 7c1f…
            """)

    @Argument(help: "The session type id.") var sessionTypeID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Booking_V1_ArchiveSessionTypeRequest()
            request.sessionTypeID = sessionTypeID
            let type = try await withBooking { call in
                try await call.client.archiveSessionType(request, options: call.options).sessionType
            }
            let view = SessionTypeView(type)
            try output.emit(view) { "Archived session type \(view.name) (\(view.id))." }
        }
    }
}
