import ArgumentParser
import Foundation
import TillitContracts

/// `tillit notes list`: a client's notes the caller may read, newest first.
struct NotesListCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a client's notes you may read, newest first, without their text.",
        discussion: """
            A practitioner sees their own notes of the client, and colleagues' signed session and \
            shared notes while they have a care relationship and the client's consent to share \
            the record with them; a client sees the signed session and shared notes of their own \
            record. Listing is recorded in the client's access log.

            Examples:
              tillit notes list --client 9e0b…
              tillit notes list --client 9e0b… --mine --json
              tillit notes list                                  # as a client: your record
            """)

    @Option(help: "The client's account id (required for staff; a client: their own).") var client: String?
    @Flag(help: "Only your own notes.") var mine = false
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (notes, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_ListNotesRequest()
                if let client { request.clientID.value = call.account(client) }
                request.mineOnly = mine
                let notes = try await Pages.all { page in
                    request.page = page
                    let response = try await call.client.listNotes(request, options: call.options)
                    return (response.notes, response.page)
                }
                return (notes, await call.context(names: !output.json))
            }
            let views = notes.map(NoteView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No notes."
                    : Terminal.table(header: NoteView.header, rows: views.map { $0.row(context) })
            }
        }
    }
}

/// `tillit notes drafts`: the caller's drafts not edited for a while.
struct NotesDraftsCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "Your drafts not edited for some days, oldest first (a reminder to sign them).",
        discussion: """
            Example:
              tillit notes drafts --older-than-days 3
            """)

    @Option(help: "Drafts not edited for at least this many days (1–3650).") var olderThanDays: UInt32 = 7
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...3650).contains(olderThanDays) else {
            throw ValidationError("--older-than-days must be from 1 to 3650")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (notes, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_ListStaleDraftsRequest()
                request.olderThanDays = olderThanDays
                let notes = try await Pages.all { page in
                    request.page = page
                    let response = try await call.client.listStaleDrafts(request, options: call.options)
                    return (response.notes, response.page)
                }
                return (notes, await call.context(names: !output.json))
            }
            let views = notes.map(NoteView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No drafts older than \(olderThanDays) \(olderThanDays == 1 ? "day" : "days")."
                    : Terminal.table(header: NoteView.header, rows: views.map { $0.row(context) })
            }
        }
    }
}

/// `tillit notes show`: one note with its addenda and comments.
struct NotesShowCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a note with its text, addenda and comments, and why you may read it.",
        discussion: """
            The read is recorded in the client's access log. The basis says why you may read the \
            note: author, consented-colleague, client, supervisor (a note awaiting your \
            co-signature) or emergency.

            Example:
              tillit notes show 3f9a…
            """)

    @Argument(help: "The note id.") var noteID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (view, context) = try await withNotes { call in
                let view = try await call.client.getNote(.with { $0.noteID = noteID }, options: call.options)
                    .view
                return (view, await call.context(names: !output.json))
            }
            let reading = NoteReadingView(view)
            try output.emit(reading) { reading.text(context) }
        }
    }
}

/// `tillit notes emergency`: an admin reads a note in an emergency ("break the glass").
struct NotesEmergencyCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergency",
        abstract: "Read a signed note in an emergency, with a reason; audited and flagged (admin).",
        discussion: """
            Admins never read note text otherwise. The reason (10–1,000 characters) says why, not \
            what the note says; it is kept in the audit trail, and the client's access log shows \
            the read as an emergency. Process notes and drafts are never readable this way.

            Example:
              tillit notes emergency 3f9a… --reason "client missing; police asked"
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "Why (10–1,000 characters).") var reason: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (view, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_EmergencyAccessRequest()
                request.noteID = noteID
                request.reason = reason
                let view = try await call.client.emergencyAccess(request, options: call.options).view
                return (view, await call.context(names: !output.json))
            }
            let reading = NoteReadingView(view)
            try output.emit(reading) { reading.text(context) }
        }
    }
}
