import ArgumentParser
import Foundation
import TillitContracts

/// `tillit notes write`: a new note (a draft, or signed at once with `--sign`).
struct NotesWriteCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a new note for a client you have a care relationship with (practitioners).",
        discussion: """
            The body comes from --file (- for standard input), else $EDITOR opens (with the \
            template's sections for SOAP, DAP and BIRP). A line `## <heading>` starts a section. \
            Without --sign the note is a draft only you see; `tillit notes sign` signs it later. \
            A pre-licensed author's signed session or shared note waits for the supervisor's \
            co-signature. A retry with the same --idempotency-key and body answers the same note.

            Examples:
              tillit notes write --client 9e0b… --template soap --file session.md --sign
              tillit notes write --client 9e0b… --kind shared           # in $EDITOR
              tillit notes write --client 9e0b… --kind process --file - < thoughts.txt
            """)

    @Option(help: "The client's account id.") var client: String
    @Option(help: "session (the client's record), process (yours alone) or shared (the client reads it).")
    var kind = "session"
    @OptionGroup var body: NoteBodyOptions
    @Flag(help: "Sign at once (the note is then locked).") var sign = false
    @Option(help: "The appointment the note is about (Booking's id).") var appointment: String?
    @Option(help: "A key (≤ 100 characters) that makes a retry answer the same note.")
    var idempotencyKey: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let kind = try Names.value(kind, in: Names.noteKinds, what: "kind")
            let template = try body.template(default: .free)
            if body.file == nil { try NotesSession.require() }
            let noteBody = try body.body(template: template)
            let (note, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_CreateNoteRequest()
                request.clientID.value = client
                request.kind = kind
                request.body = noteBody
                request.sign = sign
                request.appointmentID = appointment ?? ""
                request.idempotencyKey = idempotencyKey ?? ""
                let note = try await call.client.createNote(request, options: call.options).note
                return (note, await call.context(names: !output.json))
            }
            let view = NoteView(note)
            try output.emit(view) {
                let verb = view.status == "draft" ? "Wrote draft" : "Wrote and signed"
                return "\(verb) \(view.what) for \(context.account(view.clientId))"
                    + NotesSession.statusSuffix(view, context) + ": \(view.id)"
            }
        }
    }
}

/// `tillit notes edit`: a new body for a draft.
struct NotesEditCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Replace the body of your draft (its author).",
        discussion: """
            --version is the version you are editing (`tillit notes show` prints it); if the draft \
            has changed since, nothing is written (exit 67). Without --file, $EDITOR opens with the \
            draft's current text. The template stays the draft's unless --template is given.

            Examples:
              tillit notes edit 3f9a… --version 1                  # in $EDITOR
              tillit notes edit 3f9a… --version 2 --file session.md
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "The version you are editing.") var version: UInt32
    @OptionGroup var body: NoteBodyOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var current: Tillit_Notes_V1_Note?
            if body.file == nil || body.template == nil {
                let note = try await withNotes { call in
                    try await call.client.getNote(.with { $0.noteID = noteID }, options: call.options).view
                        .note
                }
                guard note.status == .draft else {
                    throw CLIError(
                        .conflict,
                        "refused: the note is \(Names.word(note.status, in: Names.noteStatuses)), not a draft; "
                            + "add an addendum instead (`tillit notes addendum \(noteID)`)")
                }
                guard note.version == version else {
                    throw CLIError(
                        .conflict,
                        "refused: the draft is at version \(note.version), not \(version): "
                            + "read it again (`tillit notes show \(noteID)`)")
                }
                current = note
            }
            let template = try body.template(default: current?.body.template ?? .free)
            let initial = current.map { note in
                note.body.template == template || NoteBodyInput.headings(template) == nil
                    ? NoteBodyInput.text(note.body) : NoteBodyInput.skeleton(template)
            }
            let noteBody = try body.body(template: template, initial: initial)
            let note = try await withNotes { call in
                var request = Tillit_Notes_V1_UpdateDraftRequest()
                request.noteID = noteID
                request.body = noteBody
                request.expectedVersion = version
                return try await call.client.updateDraft(request, options: call.options).note
            }
            let view = NoteView(note)
            try output.emit(view) { "Saved draft \(view.id): version \(view.version)" }
        }
    }
}

/// `tillit notes sign`: signs a draft, which locks it.
struct NotesSignCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign your draft; it is locked afterwards (its author).",
        discussion: """
            --version is the version you read and sign; if the draft has changed since, nothing is \
            signed (exit 67). Every section of a SOAP, DAP or BIRP note needs text. A pre-licensed \
            author's session or shared note then waits for the supervisor's co-signature.

            Example:
              tillit notes sign 3f9a… --version 2
            """)

    @Argument(help: "The note id.") var noteID: String
    @Option(help: "The version you sign.") var version: UInt32
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (note, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_SignNoteRequest()
                request.noteID = noteID
                request.expectedVersion = version
                let note = try await call.client.signNote(request, options: call.options).note
                return (note, await call.context(names: !output.json))
            }
            let view = NoteView(note)
            try output.emit(view) {
                "Signed \(view.what) for \(context.account(view.clientId))"
                    + NotesSession.statusSuffix(view, context) + ": \(view.id)"
            }
        }
    }
}

/// `tillit notes addendum`: a signed addendum to a signed note.
struct NotesAddendumCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "addendum",
        abstract: "Add a signed addendum to your signed note (its author).",
        discussion: """
            A signed note is never changed: an addendum corrects or adds to it and is always shown \
            with it. The body comes from --file or $EDITOR, as for `tillit notes write`.

            Example:
              tillit notes addendum 3f9a… --file correction.md
            """)

    @Argument(help: "The signed note's id.") var noteID: String
    @OptionGroup var body: NoteBodyOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let template = try body.template(default: .free)
            if body.file == nil { try NotesSession.require() }
            let noteBody = try body.body(template: template)
            let note = try await withNotes { call in
                var request = Tillit_Notes_V1_AddAddendumRequest()
                request.noteID = noteID
                request.body = noteBody
                return try await call.client.addAddendum(request, options: call.options).addendum
            }
            let view = NoteView(note)
            try output.emit(view) {
                let state = view.status == "awaiting-cosignature" ? " (awaiting co-signature)" : ""
                return "Added a signed addendum to \(noteID)\(state): \(view.id)"
            }
        }
    }
}

/// What the notes commands share.
enum NotesSession {
    /// A `CLIError` unless someone is logged in: checked before an editor opens, so nobody
    /// writes a note that cannot be sent.
    static func require() throws {
        guard try SessionStore().load() != nil else { throw CLIError.notLoggedIn }
    }

    /// ` (version 1)`, or who must co-sign a note awaiting co-signature.
    static func statusSuffix(_ view: NoteView, _ context: AccountNames) -> String {
        view.status == "awaiting-cosignature"
            ? " (awaiting co-signature by \(context.account(view.supervisorId)))"
            : " (version \(view.version))"
    }
}
