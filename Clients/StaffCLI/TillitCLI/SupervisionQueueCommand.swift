import ArgumentParser
import Foundation
import TillitContracts

/// `tillit supervision queue`: the supervisor's co-signature queue, from Notes.
struct SupervisionQueueCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Your supervisees' notes awaiting your co-signature, oldest first (supervisors).",
        discussion: """
            Read one with `tillit notes show <id>`; then `tillit supervision approve <id>` or \
            `tillit supervision return <id> --comment "…"`.

            Example:
              tillit supervision queue
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (notes, names) = try await withSupervision { call in
                var request = Tillit_Supervision_V1_ListQueueRequest()
                let notes = try await Pages.all { page in
                    request.page = page
                    let response = try await call.client.listQueue(request, options: call.options)
                    return (response.notes, response.page)
                }
                return (notes, await call.context(names: !output.json))
            }
            let views = notes.map(NoteView.init)
            try output.emit(views) { NoteView.queue(views, names) }
        }
    }
}

/// `tillit supervision approve`: co-signs a note through Notes and records the review.
struct SupervisionApproveCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve (co-sign) a supervisee's note awaiting your co-signature.",
        discussion: """
            Supervision co-signs through Notes with your token, then records the review. A retry \
            with the same --request-key gives the same answer; a note co-signed already answers \
            that it is (exit 67).

            Example:
              tillit supervision approve 3f9a… --request-key review-2026-12-03-1
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "A key (≤ 100 characters) that makes a retry answer the same result (default: a new UUID).")
    var requestKey: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let key = requestKey ?? UUID().uuidString
            let (note, names) = try await withSupervision { call in
                var request = Tillit_Supervision_V1_ApproveNoteRequest()
                request.noteID = noteID
                request.requestKey = key
                let note = try await call.client.approveNote(request, options: call.options).note
                return (note, await call.context(names: !output.json))
            }
            let view = NoteView(note)
            try output.emit(view) {
                "Approved and co-signed \(view.what) of \(names.account(view.authorId)) for "
                    + "\(names.account(view.clientId)): \(view.id)"
            }
        }
    }
}

/// `tillit supervision return`: returns a note to its author's drafts with a comment.
struct SupervisionReturnCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Return a note awaiting your co-signature to its author, with a comment (supervisors).",
        discussion: """
            Example:
              tillit supervision return 3f9a… --comment "Add the risk assessment to the plan."
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "What to change (at most 10,000 bytes).") var comment: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (note, names) = try await withSupervision { call in
                var request = Tillit_Supervision_V1_ReturnNoteRequest()
                request.noteID = noteID
                request.comment = comment
                let note = try await call.client.returnNote(request, options: call.options).note
                return (note, await call.context(names: !output.json))
            }
            let view = NoteView(note)
            try output.emit(view) {
                "Returned \(view.what) to \(names.account(view.authorId)) as a draft: \(view.id)"
            }
        }
    }
}
