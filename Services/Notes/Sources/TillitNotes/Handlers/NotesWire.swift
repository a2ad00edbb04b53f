import Crypto
import Foundation
import SwiftProtobuf
import TillitContracts
import TillitServiceKit

/// Notes' wire mapping: validating bodies into sealed bytes, and records (decrypted where the
/// reader may read) into protos.
struct NotesWire {
    /// The cipher.
    let cipher: NoteCipher
    /// The size limits.
    let configuration: NotesConfiguration

    /// The kind on the wire; INVALID_ARGUMENT for UNSPECIFIED or unknown.
    static func kind(_ kind: Tillit_Notes_V1_NoteKind) throws -> NoteKind {
        switch kind {
        case .session: .session
        case .process: .process
        case .shared: .shared
        default: throw ServiceError.invalid("kind", "must be SESSION, PROCESS or SHARED")
        }
    }

    /// `body` checked (template, sections, sizes; for signing, every structured section has
    /// text) and serialized.
    func body(_ body: Tillit_Notes_V1_NoteBody, forSigning: Bool, field: String = "body") throws
        -> (template: NoteTemplate, bytes: Data)
    {
        let template: NoteTemplate
        switch body.template {
        case .free: template = .free
        case .soap: template = .soap
        case .dap: template = .dap
        case .birp: template = .birp
        default: throw ServiceError.invalid("\(field).template", "must be FREE, SOAP, DAP or BIRP")
        }
        guard !body.sections.isEmpty else {
            throw ServiceError.invalid("\(field).sections", "must not be empty")
        }
        guard body.sections.count <= configuration.maximumSections else {
            throw ServiceError.invalid(
                "\(field).sections", "must be at most \(configuration.maximumSections)")
        }
        let total = body.sections.reduce(0) { $0 + $1.text.utf8.count + $1.heading.utf8.count }
        guard total <= configuration.maximumBodyBytes else {
            throw ServiceError.invalid(
                field,
                "is \(total) bytes; a note holds at most \(configuration.maximumBodyBytes) bytes of text")
        }
        for (index, section) in body.sections.enumerated() {
            _ = try Validation.text(section.heading, field: "\(field).sections[\(index)].heading", max: 100)
            _ = try Validation.text(
                section.text, field: "\(field).sections[\(index)].text", max: configuration.maximumBodyBytes)
        }
        if let headings = template.headings {
            guard body.sections.map(\.heading) == headings else {
                throw ServiceError.invalid(
                    "\(field).sections",
                    "\(template.rawValue.uppercased()) has the sections \(headings.joined(separator: ", ")), in that order"
                )
            }
        }
        if forSigning {
            // Free text needs some text; a structured template needs every section.
            let filled = body.sections.map {
                !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
            guard template.headings == nil ? filled.contains(true) : !filled.contains(false) else {
                throw ServiceError.invalid(
                    "\(field).sections", "every section needs text before the note is signed")
            }
        }
        return (template, try body.serializedBytes())
    }

    /// The body bytes of `record` as the proto; DATA_LOSS when they do not decrypt or parse.
    func openBody(_ record: NoteRecord, dataKey: SymmetricKey) throws -> Tillit_Notes_V1_NoteBody {
        let bytes = try cipher.open(
            record.body, dataKey: dataKey,
            context: NoteCipher.bodyContext(
                organization: record.organization, note: record.id, version: record.version))
        do {
            return try Tillit_Notes_V1_NoteBody(serializedBytes: bytes)
        } catch {
            throw ServiceError(.dataLoss, "the note's body is unreadable", cause: error)
        }
    }

    /// `record` on the wire with its body and return comment opened under its data key `key`
    /// (unwrapped when not given).
    func note(_ record: NoteRecord, key: SymmetricKey? = nil, showReturnComment: Bool = true) throws
        -> Tillit_Notes_V1_Note
    {
        var note = Self.summary(record)
        let key =
            try key ?? cipher.unwrap(record.wrappedKey, organization: record.organization, note: record.id)
        note.body = try openBody(record, dataKey: key)
        if showReturnComment, let sealed = record.returnComment, let at = record.returnedAt {
            let text = try cipher.open(
                sealed, dataKey: key,
                context: NoteCipher.returnContext(
                    organization: record.organization, note: record.id, returnedAt: at))
            note.returnComment = String(decoding: text, as: UTF8.self)
        }
        return note
    }

    /// A reading on the wire, everything decrypted.
    func view(_ reading: NoteReading) throws -> Tillit_Notes_V1_NoteView {
        let record = reading.note
        let key = try cipher.unwrap(record.wrappedKey, organization: record.organization, note: record.id)
        // The return comment is between author and supervisor.
        let privateToThem = reading.basis == .author || reading.basis == .supervisor
        var view = Tillit_Notes_V1_NoteView()
        view.note = try note(record, key: key, showReturnComment: privateToThem)
        view.addenda = try reading.addenda.map {
            try note($0, showReturnComment: privateToThem)
        }
        view.comments = try reading.comments.map { comment in
            let text = try cipher.open(
                comment.body, dataKey: key,
                context: NoteCipher.commentContext(
                    organization: record.organization, note: record.id, comment: comment.id))
            return .with {
                $0.id = comment.id
                $0.noteID = comment.noteID
                $0.authorID.value = comment.authorID
                $0.text = String(decoding: text, as: UTF8.self)
                $0.createdAt = Tillit_Common_V1_Timestamp(millis: comment.createdAt)
            }
        }
        view.basis = Self.basis(reading.basis)
        return view
    }

    /// The facts of `record` on the wire, no body.
    static func summary(_ record: NoteRecord) -> Tillit_Notes_V1_Note {
        var note = Tillit_Notes_V1_Note()
        note.id = record.id
        note.clientID.value = record.clientID
        note.authorID.value = record.authorID
        note.kind =
            switch record.kind {
            case .session: .session
            case .process: .process
            case .shared: .shared
            }
        note.status =
            switch record.status {
            case .draft: .draft
            case .signed: .signed
            case .awaitingCosignature: .awaitingCosignature
            case .cosigned: .cosigned
            }
        note.version = UInt32(record.version)
        note.appointmentID = record.appointmentID
        note.addendumOf = record.addendumOf ?? ""
        note.createdAt = Tillit_Common_V1_Timestamp(millis: record.createdAt)
        note.updatedAt = Tillit_Common_V1_Timestamp(millis: record.updatedAt)
        if let at = record.signedAt { note.signedAt = Tillit_Common_V1_Timestamp(millis: at) }
        if let id = record.supervisorID { note.supervisorID.value = id }
        if let id = record.cosignedBy { note.cosignedBy.value = id }
        if let at = record.cosignedAt { note.cosignedAt = Tillit_Common_V1_Timestamp(millis: at) }
        if let at = record.returnedAt { note.returnedAt = Tillit_Common_V1_Timestamp(millis: at) }
        return note
    }

    /// The basis on the wire.
    static func basis(_ basis: ReadBasis) -> Tillit_Notes_V1_ReadBasis {
        switch basis {
        case .author: .author
        case .consentedColleague: .consentedColleague
        case .client: .client
        case .supervisor: .supervisor
        case .emergency: .emergency
        }
    }
}
