import ArgumentParser
import Foundation
import TillitContracts

/// `tillit notes`: clinical notes — writing, editing, signing and reading them, addenda,
/// clients' comments, co-signature, emergency access, the client's record and its access log,
/// the audit chain and key rotation, through Notes.
struct NotesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract: "Clinical notes: write, sign, read, export (Notes).",
        discussion: """
            Notes is at --notes-addr, else TILLIT_NOTES_ADDR, else the config file, else \
            127.0.0.1:7103; the session of `tillit login` is used (Identity as for every command). \
            A body is plain text from --file (- for standard input) or written in $EDITOR; a line \
            `## <heading>` starts a section. SOAP, DAP and BIRP notes have fixed sections \
            (## subjective, ## objective, ## assessment, ## plan; ## data, ## assessment, ## plan; \
            ## behavior, ## intervention, ## response, ## plan). `me` stands for your own account \
            id. Exit codes as for every command; an edit or signature of a version that is no \
            longer current (ABORTED) exits 67.

            Examples:
              tillit notes write --client <id> --template soap --file session.md --sign
              tillit notes list --client <id>
              tillit notes show <note id>
              tillit notes export --format json --output record.json   # a client
              tillit notes access-log --client <id>                    # an admin
            """,
        subcommands: [
            NotesWriteCommand.self, NotesEditCommand.self, NotesSignCommand.self, NotesAddendumCommand.self,
            NotesListCommand.self, NotesDraftsCommand.self, NotesShowCommand.self, NotesCommentCommand.self,
            NotesExportCommand.self, NotesAccessLogCommand.self, NotesVerifyAuditCommand.self,
            NotesRewrapCommand.self, NotesQueueCommand.self, NotesCosignCommand.self, NotesReturnCommand.self,
            NotesEmergencyCommand.self,
        ])
}

/// `--file` and `--template`: where a body comes from and how it is structured.
struct NoteBodyOptions: ParsableArguments, Sendable {
    @Option(help: "Read the body from this file (- for standard input); without it, $EDITOR opens.")
    var file: String?

    @Option(help: "free, soap, dap or birp.")
    var template: String?

    /// The template named by `--template`, else `fallback`.
    func template(default fallback: Tillit_Notes_V1_NoteTemplate) throws -> Tillit_Notes_V1_NoteTemplate {
        guard let template else { return fallback }
        return try Names.value(template, in: Names.noteTemplates, what: "template")
    }

    /// The body: read from `--file` or written in `$EDITOR` starting from `initial`, then parsed
    /// as `template`.
    func body(template: Tillit_Notes_V1_NoteTemplate, initial: String? = nil) throws
        -> Tillit_Notes_V1_NoteBody
    {
        let text = try NoteBodyInput.read(file: file, initial: initial ?? NoteBodyInput.skeleton(template))
        return try NoteBodyInput.parse(text, template: template)
    }
}
