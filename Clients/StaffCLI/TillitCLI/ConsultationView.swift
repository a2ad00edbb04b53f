import Foundation
import TillitContracts

/// A case consultation as `tillit supervision consultations` prints it.
struct ConsultationView: Codable, Sendable {
    /// A reply in the thread.
    struct Reply: Codable, Sendable {
        var id: String
        var authorId: String
        var text: String
        var createdAt: Date
    }

    var id: String
    var superviseeId: String
    var supervisorId: String
    var topic: String
    var summary: String
    var clientId: String?
    var clientWithheld: Bool
    var closed: Bool
    var outcome: String?
    var actions: [String]
    var createdAt: Date
    var replies: [Reply]

    /// The view of `consultation`.
    init(_ consultation: Tillit_Supervision_V1_Consultation) {
        id = consultation.id
        superviseeId = consultation.superviseeID.value
        supervisorId = consultation.supervisorID.value
        topic = consultation.topic
        summary = consultation.summary
        clientId =
            consultation.hasClientID && !consultation.clientID.value.isEmpty
            ? consultation.clientID.value : nil
        clientWithheld = consultation.clientWithheld
        closed = consultation.closed
        outcome = consultation.outcome.isEmpty ? nil : consultation.outcome
        actions = consultation.actions
        createdAt = consultation.createdAt.date
        replies = consultation.replies.map {
            Reply(id: $0.id, authorId: $0.authorID.value, text: $0.text, createdAt: $0.createdAt.date)
        }
    }

    /// The client cell: the client, `withheld (consent revoked)`, or `-`.
    func client(_ names: AccountNames) -> String {
        if clientWithheld { return "withheld (consent no longer given)" }
        return names.account(clientId)
    }

    /// The consultation with its thread, for people.
    func text(_ names: AccountNames) -> String {
        var lines = [
            Display.fields([
                ("Topic", topic),
                ("Supervisee", names.account(superviseeId)),
                ("Supervisor", names.account(supervisorId)),
                ("Client", client(names)),
                ("Raised", Display.date(createdAt)),
                ("Status", closed ? "closed" : "open"),
                ("Id", id),
            ]),
            "",
            summary,
        ]
        for reply in replies {
            lines += [
                "", "— \(names.account(reply.authorId)), \(Display.date(reply.createdAt)):", reply.text,
            ]
        }
        if closed {
            lines += ["", "Outcome: \(outcome ?? "-")"]
            lines += actions.map { "  • \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
