import ArgumentParser
import Foundation
import TillitContracts

/// `tillit notes queue`: the notes awaiting the supervisor's co-signature.
struct NotesQueueCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract:
            "Notes of your pre-licensed supervisees awaiting your co-signature, oldest first (supervisors).",
        discussion: """
            `tillit notes show <id>` reads one (basis: supervisor); then `tillit notes cosign <id>` \
            or `tillit notes return <id> --comment "…"`.

            Example:
              tillit notes queue
            """)

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (notes, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_ListAwaitingCosignatureRequest()
                let notes = try await Pages.all { page in
                    request.page = page
                    let response = try await call.client.listAwaitingCosignature(
                        request, options: call.options)
                    return (response.notes, response.page)
                }
                return (notes, await call.context(names: !output.json))
            }
            let views = notes.map(NoteView.init)
            try output.emit(views) { NoteView.queue(views, context) }
        }
    }
}

/// `tillit notes cosign`: the supervisor co-signs a supervisee's note.
struct NotesCosignCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosign",
        abstract: "Co-sign a note awaiting your co-signature (the author's supervisor).",
        discussion: """
            A retry with the same --request-key answers the same result (the default is a new \
            key, so pass one when a script may retry).

            Example:
              tillit notes cosign 3f9a… --request-key 2026-12-03-review-1
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "A key (≤ 100 characters) that makes a retry answer the same result (default: a new UUID).")
    var requestKey: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            // One key for this command, also when the call is retried after a refresh.
            let key = requestKey ?? UUID().uuidString
            let (note, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_CosignNoteRequest()
                request.noteID = noteID
                request.requestKey = key
                let note = try await call.client.cosignNote(request, options: call.options).note
                return (note, await call.context(names: !output.json))
            }
            let view = NoteView(note)
            try output.emit(view) {
                "Co-signed \(view.what) of \(context.account(view.authorId)) for "
                    + "\(context.account(view.clientId)): \(view.id)"
            }
        }
    }
}

/// `tillit notes return`: the supervisor returns a note to draft with a comment.
struct NotesReturnCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract:
            "Return a note awaiting your co-signature to its author's drafts, with a comment (supervisors).",
        discussion: """
            The author sees the comment (`tillit notes show`), edits the draft and signs it again.

            Example:
              tillit notes return 3f9a… --comment "Add the risk assessment to the plan."
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "What to change (at most 10,000 bytes).") var comment: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (note, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_ReturnNoteRequest()
                request.noteID = noteID
                request.comment = comment
                let note = try await call.client.returnNote(request, options: call.options).note
                return (note, await call.context(names: !output.json))
            }
            let view = NoteView(note)
            try output.emit(view) {
                "Returned \(view.what) to \(context.account(view.authorId)) as a draft (version \(view.version)): "
                    + view.id
            }
        }
    }
}
