import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension Journeys {
    /// Today's date in the practice's zone.
    static func today() -> CivilDate {
        ZoneClock(identifier: CarePractice.timeZone)!.date(
            atMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Dana's co-sign-all supervision of Gustav, started by the admin, the agreement approved
    /// `approvedDaysAgo` days ago.
    static func superviseGustav(
        _ stack: IntegrationStack, _ practice: CarePractice, approvedDaysAgo: Int64 = 0
    )
        async throws
    {
        var request = Tillit_Supervision_V1_CreateRelationshipRequest()
        request.supervisorID = practice.supervisor.accountID
        request.superviseeID = practice.trainee.accountID
        request.mode = .cosignAll
        request.startsOn = .init(today().adding(days: -approvedDaysAgo))
        request.agreementApprovedOn = .init(today().adding(days: -approvedDaysAgo))
        _ = try await stack.supervision.createRelationship(request, options: practice.admin.options)
    }

    /// Journey 4. Gustav (pre-licensed) writes and signs a note about Ida: it waits in Dana's
    /// queue (Supervision, from Notes); she returns it with a comment; he edits and signs it again;
    /// she approves it (co-signed through Notes with her token), twice with the same key, once
    /// recorded; Ida's export holds it co-signed, and her access log lists every reader.
    public static func coSignature(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Four \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, gustav, dana) = (practice.clients["ida"]!, practice.trainee, practice.supervisor)
        try await superviseGustav(stack, practice)
        let visit = try await slot(
            stack, practice, of: gustav, in: range(from: 2 * 86_400, to: 4 * 86_400), as: ida)
        _ = try await book(stack, visit, key: "ida-gustav-1", as: ida)

        let written = try await stack.notes.createNote(
            .with {
                $0.clientID = ida.accountID
                $0.kind = .session
                $0.body = body("First session: Ida's sleep and worry.")
                $0.sign = true
            }, options: gustav.options
        ).note
        try check(
            written.status == .awaitingCosignature, "a pre-licensed author's note waits: \(written.status)")
        let queue = try await stack.supervision.listQueue(.init(), options: dana.options).notes
        try check(queue.map(\.id) == [written.id], "Dana's queue holds the note: \(queue.map(\.id))")
        try await refused([.permissionDenied], "a practitioner who supervises no one reads a queue") {
            try await stack.supervision.listQueue(.init(), options: practice.practitioner("amira").options)
        }

        let returned = try await stack.supervision.returnNote(
            .with {
                $0.noteID = written.id
                $0.comment = "Add the plan for next time."
            }, options: dana.options
        ).note
        try check(returned.status == .draft, "returned to draft")
        let seen = try await stack.notes.getNote(.with { $0.noteID = written.id }, options: gustav.options)
            .view.note
        try check(seen.returnComment == "Add the plan for next time.", "Gustav reads the comment")
        let edited = try await stack.notes.updateDraft(
            .with {
                $0.noteID = written.id
                $0.body = body("First session: Ida's sleep and worry.\nPlan: a sleep diary for two weeks.")
                $0.expectedVersion = seen.version
            }, options: gustav.options
        ).note
        let signed = try await stack.notes.signNote(
            .with {
                $0.noteID = written.id
                $0.expectedVersion = edited.version
            }, options: gustav.options
        ).note
        try check(signed.status == .awaitingCosignature, "signed again, waiting again")

        let approve = Tillit_Supervision_V1_ApproveNoteRequest.with {
            $0.noteID = written.id
            $0.requestKey = "dana-review-1"
        }
        let approved = try await stack.supervision.approveNote(approve, options: dana.options).note
        try check(approved.status == .cosigned && approved.cosignedBy == dana.accountID, "co-signed by Dana")
        let retried = try await stack.supervision.approveNote(approve, options: dana.options).note
        try check(
            retried.status == .cosigned && retried.cosignedAt == approved.cosignedAt,
            "the retry: one co-signature")
        try check(
            try await stack.supervision.listQueue(.init(), options: dana.options).notes.isEmpty,
            "the queue is empty")

        let export = try await stack.notes.exportRecord(.init(), options: ida.options)
        let exported = export.notes.first { $0.note.id == written.id }
        try check(exported?.note.status == .cosigned, "Ida's export holds the co-signed note")
        try check(
            exported?.note.body.sections.first?.text.contains("sleep diary") == true,
            "the export holds the fixed text")
        let log = try await stack.notes.listAccessLog(.with { $0.page.pageSize = 200 }, options: ida.options)
            .entries
        let actors = Set(log.map(\.actor.value))
        try check(
            actors.isSuperset(of: [gustav.id, dana.id, ida.id]), "every reader in Ida's access log: \(log)")
        try check(
            log.contains { $0.actor.value == dana.id && $0.via == "supervision" },
            "Dana's co-signature came through Supervision: \(log.filter { $0.actor.value == dana.id })")
    }
}
