import Foundation
import TillitContracts

/// A note as `tillit notes` prints it: stable keys, words for enumerations, UTC dates; the
/// template and sections only where the note was read (not in lists).
struct NoteView: Codable, Sendable {
    /// One section of the body.
    struct Section: Codable, Sendable {
        var heading: String
        var text: String
    }

    var id: String
    var clientId: String
    var authorId: String
    var kind: String
    var status: String
    var version: UInt32
    var template: String?
    var sections: [Section]?
    var appointmentId: String?
    var addendumOf: String?
    var createdAt: Date
    var updatedAt: Date
    var signedAt: Date?
    var supervisorId: String?
    var cosignedBy: String?
    var cosignedAt: Date?
    var returnComment: String?
    var returnedAt: Date?

    /// The view of `note`.
    init(_ note: Tillit_Notes_V1_Note) {
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        id = note.id
        clientId = note.clientID.value
        authorId = note.authorID.value
        kind = Names.word(note.kind, in: Names.noteKinds)
        status = Names.word(note.status, in: Names.noteStatuses)
        version = note.version
        if note.hasBody {
            template = Names.word(note.body.template, in: Names.noteTemplates)
            sections = note.body.sections.map { Section(heading: $0.heading, text: $0.text) }
        }
        appointmentId = optional(note.appointmentID)
        addendumOf = optional(note.addendumOf)
        createdAt = note.createdAt.date
        updatedAt = note.updatedAt.date
        signedAt = note.hasSignedAt ? note.signedAt.date : nil
        supervisorId = note.hasSupervisorID ? optional(note.supervisorID.value) : nil
        cosignedBy = note.hasCosignedBy ? optional(note.cosignedBy.value) : nil
        cosignedAt = note.hasCosignedAt ? note.cosignedAt.date : nil
        returnComment = optional(note.returnComment)
        returnedAt = note.hasReturnedAt ? note.returnedAt.date : nil
    }

    /// A co-signature queue for people: oldest first, as listed.
    static func queue(_ views: [NoteView], _ names: AccountNames) -> String {
        views.isEmpty
            ? "No notes await your co-signature."
            : Terminal.table(
                header: ["SIGNED", "KIND", "CLIENT", "AUTHOR", "ADDENDUM OF", "ID"],
                rows: views.map {
                    [
                        Display.date($0.signedAt), $0.kind, names.account($0.clientId), names.account($0.authorId),
                        $0.addendumOf ?? "-", $0.id,
                    ]
                })
    }

    /// `session note`, `shared note`, `process note`, or `addendum` for an addendum.
    var what: String {
        addendumOf == nil ? "\(kind) note" : "addendum"
    }

    /// The header of `row(_:)`.
    static let header = ["CREATED", "KIND", "STATUS", "VERSION", "CLIENT", "AUTHOR", "ADDENDUM OF", "ID"]

    /// One table row, with `context`'s names.
    func row(_ context: AccountNames) -> [String] {
        [
            Display.date(createdAt), kind, status, String(version), context.account(clientId),
            context.account(authorId), addendumOf ?? "-", id,
        ]
    }

    /// Label/value lines of the facts, for people.
    func fields(_ context: AccountNames) -> String {
        var pairs: [(String, String)] = [
            (addendumOf == nil ? "Note" : "Addendum", id), ("Kind", kind), ("Status", status),
            ("Version", String(version)), ("Client", context.account(clientId)),
            ("Author", context.account(authorId)),
        ]
        if let template { pairs.append(("Template", template)) }
        if let addendumOf { pairs.append(("Addendum of", addendumOf)) }
        if let appointmentId { pairs.append(("Appointment", appointmentId)) }
        pairs.append(("Created", Display.date(createdAt)))
        pairs.append(("Updated", Display.date(updatedAt)))
        if let signedAt { pairs.append(("Signed", Display.date(signedAt))) }
        if let supervisorId { pairs.append(("Supervisor", context.account(supervisorId))) }
        if let cosignedAt {
            pairs.append(("Co-signed", "\(Display.date(cosignedAt)) by \(context.account(cosignedBy))"))
        }
        if let returnedAt { pairs.append(("Returned", Display.date(returnedAt))) }
        if let returnComment { pairs.append(("Return comment", returnComment)) }
        return Display.fields(pairs)
    }

    /// The body as `## heading` sections (as `--file` takes it); empty without a body.
    var bodyText: String {
        guard let sections else { return "" }
        return sections.map { section in
            section.heading.isEmpty ? section.text : "## \(section.heading)\n\(section.text)"
        }.joined(separator: "\n\n")
    }

    /// The facts, then the body.
    func text(_ context: AccountNames) -> String {
        let body = bodyText
        return body.isEmpty ? fields(context) : fields(context) + "\n\n" + body
    }
}

/// A client's comment on a shared note.
struct NoteCommentView: Codable, Sendable {
    var id: String
    var noteId: String
    var authorId: String
    var text: String
    var createdAt: Date

    /// The view of `comment`.
    init(_ comment: Tillit_Notes_V1_Comment) {
        id = comment.id
        noteId = comment.noteID
        authorId = comment.authorID.value
        text = comment.text
        createdAt = comment.createdAt.date
    }
}

/// A note as one reader read it: the note, its addenda, the comments and why the reader may
/// read it.
struct NoteReadingView: Codable, Sendable {
    var note: NoteView
    var addenda: [NoteView]
    var comments: [NoteCommentView]
    var basis: String

    /// The view of `view`.
    init(_ view: Tillit_Notes_V1_NoteView) {
        note = NoteView(view.note)
        addenda = view.addenda.map(NoteView.init)
        comments = view.comments.map(NoteCommentView.init)
        basis = Names.word(view.basis, in: Names.readBases)
    }

    /// The note with its body, each addendum and each comment, and the read basis, for people.
    func text(_ context: AccountNames) -> String {
        var parts = [note.text(context) + "\n\nRead as: \(basis)"]
        for addendum in addenda {
            parts.append(
                "--- Addendum \(addendum.id), signed \(Display.date(addendum.signedAt)) by "
                    + "\(context.account(addendum.authorId)) ---\n\(addendum.bodyText)")
        }
        for comment in comments {
            parts.append(
                "--- Comment by \(context.account(comment.authorId)), \(Display.date(comment.createdAt)) ---\n"
                    + comment.text)
        }
        return parts.joined(separator: "\n\n")
    }
}

/// A client's record as `tillit notes export` writes it.
struct RecordExportView: Codable, Sendable {
    var clientId: String
    var exportedAt: Date
    var notes: [NoteReadingView]

    /// The view of `response`.
    init(_ response: Tillit_Notes_V1_ExportRecordResponse) {
        clientId = response.clientID.value
        exportedAt = response.exportedAt.date
        notes = response.notes.map(NoteReadingView.init)
    }

    /// The record as readable text.
    func text(_ context: AccountNames) -> String {
        var parts = [
            "Record of \(context.account(clientId)) (\(clientId)), exported \(Display.date(exportedAt)): "
                + "\(notes.count) \(notes.count == 1 ? "note" : "notes")"
        ]
        for reading in notes {
            parts.append(
                "=== \(reading.note.what.capitalizedFirst) \(reading.note.id) ===\n" + reading.text(context))
        }
        return parts.joined(separator: "\n\n") + "\n"
    }
}

/// One entry of a client's access log.
struct AccessLogEntryView: Codable, Sendable {
    var at: Date
    var actorId: String?
    var via: String?
    var action: String
    var noteId: String?
    var outcome: String
    var emergency: Bool
    var requestId: String

    /// The view of `entry`.
    init(_ entry: Tillit_Notes_V1_AccessLogEntry) {
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        at = entry.at.date
        actorId = optional(entry.actor.value)
        via = optional(entry.via)
        action = entry.action
        noteId = optional(entry.noteID)
        outcome = entry.outcome.lowercased()
        emergency = entry.emergency
        requestId = entry.requestID
    }

    /// The header of `row(_:)`.
    static let header = ["AT", "WHO", "ACTION", "OUTCOME", "NOTE", "VIA", "EMERGENCY"]

    /// One table row, with `context`'s names.
    func row(_ context: AccountNames) -> [String] {
        [
            Display.date(at), context.account(actorId), action, outcome, noteId ?? "-", via ?? "-",
            emergency ? "EMERGENCY" : "-",
        ]
    }
}

extension String {
    /// The text with its first letter in upper case.
    var capitalizedFirst: String {
        prefix(1).uppercased() + dropFirst()
    }
}
