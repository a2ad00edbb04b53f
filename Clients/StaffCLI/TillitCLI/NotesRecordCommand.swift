import ArgumentParser
import Foundation
import TillitContracts

/// `tillit notes comment`: a client's comment beside a shared note.
struct NotesCommentCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment",
        abstract: "Comment on a signed shared note of your record (clients).",
        discussion: """
            The comment is kept beside the practitioner's text, never merged into it (at most \
            10,000 bytes).

            Example:
              tillit notes comment 3f9a… --text "It was in March, not May."
            """)

    @Argument(help: "The shared note's id.") var noteID: String
    @Option(help: "The comment.") var text: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let comment = try await withNotes { call in
                var request = Tillit_Notes_V1_AddCommentRequest()
                request.noteID = noteID
                request.text = text
                return try await call.client.addComment(request, options: call.options).comment
            }
            let view = NoteCommentView(comment)
            try output.emit(view) { "Commented on \(view.noteId): \(view.id)" }
        }
    }
}

/// `tillit notes export`: a client's record (right of access), decrypted, as text or JSON.
struct NotesExportCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a client's record: signed session and shared notes, addenda, comments.",
        discussion: """
            A client exports their own record; an admin names the client and a reason (10–1,000 \
            characters, audited and flagged). Process notes are never part of it. The record goes \
            to standard output, or to a new file with --output (owner-only, never overwritten), \
            as readable text or as JSON (--format json, or --json without --output). With \
            --output, a summary line (one JSON document with --json) goes to standard output.

            Examples:
              tillit notes export --format json --output my-record.json     # a client
              tillit notes export --client 9e0b… --reason "asked by letter" > r.txt
            """)

    /// How the record is written.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The client's account id (an admin; a client: their own).") var client: String?
    @Option(help: "Why an admin exports (10–1,000 characters).") var reason: String?
    @Option(help: "How the record is written (default: text, or json with --json alone).")
    var format: Format?
    @Option(
        name: .customLong("output"), help: "Write the record to this new file instead of standard output.")
    var outputFile: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints with `--output`.
    struct Summary: Codable {
        var clientId: String
        var notes: Int
        var format: String
        var output: String
        var exportedAt: Date
    }

    func validate() throws {
        if outputFile == nil, output.json, format == .text {
            throw ValidationError(
                "--json prints the record as JSON: leave out --format text, or add --output")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let format = format ?? (output.json && outputFile == nil ? .json : .text)
            if let outputFile, FileManager.default.fileExists(atPath: outputFile) {
                throw CLIError(.conflict, "\(outputFile) exists: an export never overwrites a file")
            }
            let (response, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_ExportRecordRequest()
                if let client { request.clientID.value = call.account(client) }
                request.reason = reason ?? ""
                let response = try await call.client.exportRecord(request, options: call.options)
                return (response, await call.context(names: format == .text || !output.json))
            }
            let record = RecordExportView(response)
            let document = format == .json ? try OutputOptions.encode(record) + "\n" : record.text(context)
            guard let outputFile else {
                FileHandle.standardOutput.write(Data(document.utf8))
                return
            }
            try PrivateFile.createNew(outputFile, contents: Data(document.utf8))
            let summary = Summary(
                clientId: record.clientId, notes: record.notes.count, format: format.rawValue,
                output: outputFile, exportedAt: record.exportedAt)
            try output.emit(summary) {
                "Exported \(summary.notes) \(summary.notes == 1 ? "note" : "notes") of "
                    + "\(context.account(summary.clientId)) to \(outputFile) (\(format.rawValue))"
            }
        }
    }
}

/// `tillit notes access-log`: who read or wrote a client's record.
struct NotesAccessLogCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-log",
        abstract: "Who read or wrote a client's record, and when, newest first (the client; admins).",
        discussion: """
            Every read, list, write, signature, export and emergency access of the record, with \
            its outcome (success, denied, failure); emergency reads are flagged.

            Examples:
              tillit notes access-log                     # a client: your own record
              tillit notes access-log --client 9e0b… --limit 20 --json
            """)

    @Option(help: "The client's account id (an admin; a client: their own).") var client: String?
    @Option(help: "At most this many entries.") var limit = 100
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (entries, context) = try await withNotes { call in
                var request = Tillit_Notes_V1_ListAccessLogRequest()
                if let client { request.clientID.value = call.account(client) }
                let entries = try await Pages.all(pageSize: UInt32(min(limit, 200)), limit: limit) {
                    page in
                    request.page = page
                    let response = try await call.client.listAccessLog(request, options: call.options)
                    return (response.entries, response.page)
                }
                return (entries, await call.context(names: !output.json))
            }
            let views = entries.map(AccessLogEntryView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No access recorded."
                    : Terminal.table(header: AccessLogEntryView.header, rows: views.map { $0.row(context) })
            }
        }
    }
}

/// A file only its owner can read, for what must not be left readable (an exported record).
enum PrivateFile {
    /// Creates `path` with mode 0600 and `contents`, flushed to disk; a `CLIError` (conflict)
    /// when it exists, never overwriting it.
    static func createNew(_ path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let error = errno
            let reason = String(cString: strerror(error))
            guard error != EEXIST else {
                throw CLIError(.conflict, "\(path) exists: an export never overwrites a file")
            }
            throw CLIError(.usage, "cannot create \(path) (\(reason))")
        }
        defer { close(descriptor) }
        var written = 0
        try contents.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard result > 0 else {
                    throw CLIError(
                        .internalError, "cannot write \(path) (\(String(cString: strerror(errno))))")
                }
                written += result
            }
        }
        guard fsync(descriptor) == 0 else {
            throw CLIError(.internalError, "cannot flush \(path) (\(String(cString: strerror(errno))))")
        }
    }
}
