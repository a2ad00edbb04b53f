import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension Journeys {
    /// Journey 9. A second practice's admin, practitioner and client reach nothing of the first
    /// through any service: its appointment, note, accounts, session type, supervision and audit
    /// answer NOT_FOUND (or nothing in lists), exactly as ids that do not exist.
    public static func tenantIsolation(_ stack: IntegrationStack) async throws {
        let first = try await CarePractice.bootstrap(
            "Journey Nine A \(UUID().uuidString.prefix(8))", on: stack)
        let second = try await CarePractice.bootstrap(
            "Journey Nine B \(UUID().uuidString.prefix(8))", on: stack)
        let ida = first.clients["ida"]!
        let bjorn = first.practitioner("bjorn")
        let visit = try await slot(
            stack, first, of: bjorn, in: range(from: 2 * 86_400, to: 4 * 86_400), as: ida)
        let appointment = try await book(stack, visit, key: "nine-1", as: ida)
        let note = try await stack.notes.createNote(
            .with {
                $0.clientID = ida.accountID
                $0.kind = .session
                $0.body = body("Confidential.")
                $0.sign = true
            }, options: bjorn.options
        ).note
        try await superviseGustav(stack, first)

        for outsider in [
            second.admin, second.practitioner("bjorn"), second.clients["ida"]!, second.supervisor,
        ] {
            let who = outsider.email
            try await refused([.notFound, .permissionDenied], "\(who): the other practice's account") {
                try await stack.identity.getAccount(
                    .with { $0.accountID = ida.accountID }, options: outsider.options)
            }
            try await refused([.notFound, .permissionDenied], "\(who): the other practice's appointment") {
                try await stack.booking.getAppointment(
                    .with { $0.appointmentID = appointment.id }, options: outsider.options)
            }
            try await refused([.notFound, .permissionDenied], "\(who): the other practice's note") {
                try await stack.notes.getNote(.with { $0.noteID = note.id }, options: outsider.options)
            }
            try await refused(
                [.notFound, .permissionDenied, .invalidArgument], "\(who): the other practice's session type"
            ) {
                var search = Tillit_Booking_V1_SearchSlotsRequest()
                search.sessionTypeID = first.sessionType
                search.during = range(from: 2 * 86_400, to: 4 * 86_400)
                return try await stack.booking.searchSlots(search, options: outsider.options)
            }
        }
        // Staff of the second practice: lists hold nothing of the first.
        let accounts = try await stack.identity.listAccounts(
            .with { $0.kind = .client }, options: second.admin.options
        ).accounts
        try check(
            !accounts.contains { $0.id == ida.accountID }, "the other practice's clients are not listed")
        try await refused(
            [.notFound, .permissionDenied], "the second admin lists the first's client's notes"
        ) {
            try await stack.notes.listNotes(
                .with { $0.clientID = ida.accountID }, options: second.admin.options)
        }
        let relationships = try await stack.supervision.listRelationships(
            .init(), options: second.admin.options)
        try check(relationships.relationships.isEmpty, "the other practice's supervision is not listed")
        let theirQueue = try await stack.supervision.listQueue(.init(), options: second.supervisor.options)
        try check(theirQueue.notes.isEmpty, "the other supervisor's queue holds nothing of the first")
        let audit = try await stack.notes.listAuditEvents(
            .with { $0.page.pageSize = 200 }, options: second.admin.options)
        try check(
            !audit.events.contains { $0.client == ida.accountID || $0.actor == bjorn.accountID },
            "the other practice's audit events are not listed")
    }

    /// Journey 8 (local processes only). Each service is SIGKILLed in the middle of a journey and
    /// restarted on the same data: the journey goes on, nothing acknowledged is lost, and every
    /// audit chain verifies.
    public static func killEachService(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Eight \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, gustav, dana) = (practice.clients["ida"]!, practice.trainee, practice.supervisor)
        try await superviseGustav(stack, practice)
        let visit = try await slot(
            stack, practice, of: gustav, in: range(from: 2 * 86_400, to: 4 * 86_400), as: ida)
        let appointment = try await book(stack, visit, key: "eight-1", as: ida)

        try await stack.killAndRestart(.identity)
        // Tokens issued before the crash still verify (the keys are in Identity's file).
        let written = try await stack.notes.createNote(
            .with {
                $0.clientID = ida.accountID
                $0.kind = .session
                $0.body = body("Written after Identity restarted.")
                $0.sign = true
                $0.idempotencyKey = "eight-note"
            }, options: gustav.options
        ).note
        try await stack.killAndRestart(.booking)
        let kept = try await stack.booking.getAppointment(
            .with { $0.appointmentID = appointment.id }, options: ida.options)
        try check(kept.appointment.status == .booked, "the appointment survived Booking's kill -9")
        try await stack.killAndRestart(.notes)
        let queue = try await stack.supervision.listQueue(.init(), options: dana.options).notes
        try check(queue.map(\.id) == [written.id], "the note survived Notes' kill -9 and waits for Dana")
        let approved = try await stack.supervision.approveNote(
            .with {
                $0.noteID = written.id
                $0.requestKey = "eight-review"
            }, options: dana.options
        ).note
        try check(approved.status == .cosigned, "co-signed")
        try await stack.killAndRestart(.supervision)
        let again = try await stack.supervision.approveNote(
            .with {
                $0.noteID = written.id
                $0.requestKey = "eight-review"
            }, options: dana.options
        ).note
        try check(
            again.status == .cosigned && again.cosignedAt == approved.cosignedAt,
            "one co-signature after the restart")
        let read = try await stack.notes.getNote(.with { $0.noteID = written.id }, options: ida.options).view
            .note
        try check(read.status == .cosigned, "Ida reads the co-signed note")

        let admin = practice.admin.options
        let verify = Tillit_Identity_V1_VerifyAuditChainRequest()
        let chains: [(String, Tillit_Identity_V1_VerifyAuditChainResponse)] = [
            ("identity", try await stack.identity.verifyAuditChain(verify, options: admin)),
            ("booking", try await stack.booking.verifyAuditChain(verify, options: admin)),
            ("notes", try await stack.notes.verifyAuditChain(verify, options: admin)),
            ("supervision", try await stack.supervision.verifyAuditChain(verify, options: admin)),
        ]
        for (service, chain) in chains {
            try check(chain.intact && chain.eventsChecked > 0, "\(service)'s audit chain verifies: \(chain)")
        }
    }
}
