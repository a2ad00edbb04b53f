import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension Journeys {
    /// Journey 10: the co-signature journey with every staff step through the real `tillit`
    /// binary. Hanna (scheduler) books Ida with Gustav; Gustav writes and signs a note from a
    /// file; Dana (two-factor) finds it in `tillit supervision queue`, returns it, Gustav edits
    /// and signs it again, Dana approves it (retried), and her queue is empty. Ida, a client,
    /// reads the co-signed note through the API.
    public static func staffAtTheirTerminals(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Ten \(UUID().uuidString.prefix(8))", on: stack)
        let (ida, gustav, dana) = (practice.clients["ida"]!, practice.trainee, practice.supervisor)
        try await superviseGustav(stack, practice)
        let hanna = try StaffTerminal("hanna", on: stack)
        let gustavs = try StaffTerminal("gustav", on: stack)
        let danas = try StaffTerminal("dana", on: stack)
        defer { [hanna, gustavs, danas].forEach { $0.close() } }
        _ = try await hanna.logIn(practice.scheduler, organization: practice.organization)
        _ = try await gustavs.logIn(gustav, organization: practice.organization)

        let visit = try await slot(
            stack, practice, of: gustav, in: range(from: 2 * 86_400, to: 4 * 86_400), as: ida)
        let booked = try await hanna.succeed([
            "booking", "book", "--session-type", practice.sessionType, "--practitioner", gustav.id,
            "--location",
            visit.locationID, "--client", ida.id, "--start",
            ISO8601DateFormatter().string(from: visit.time.start.date),
            "--json",
        ])
        try check(booked.json?["status"] as? String == "booked", "Hanna booked Ida with Gustav: \(booked)")

        let first = try gustavs.file("first.md", "We talked about Ida's sleep.\n")
        let written = try await gustavs.succeed([
            "notes", "write", "--client", ida.id, "--file", first, "--sign", "--json",
        ])
        let noteID =
            try written.json?["id"] as? String ?? { throw IntegrationFailure("no note id: \(written)") }()
        try check(written.json?["status"] as? String == "awaiting-cosignature", "it waits: \(written)")

        _ = try await danas.logIn(dana, organization: practice.organization)
        let queue = try await danas.succeed(["supervision", "queue", "--json"])
        try check(queue.jsonArray?.compactMap { $0["id"] as? String } == [noteID], "Dana's queue: \(queue)")
        try await danas.succeed(["supervision", "return", noteID, "--comment", "Add the plan."])
        let shown = try await gustavs.succeed(["notes", "show", noteID, "--json"])
        let note = shown.json?["note"] as? [String: Any]
        try check(note?["returnComment"] as? String == "Add the plan.", "Gustav reads the comment: \(shown)")
        let version = note?["version"] as? Int ?? 0
        let second = try gustavs.file("second.md", "We talked about Ida's sleep.\n## Plan\nA sleep diary.\n")
        try await gustavs.succeed(["notes", "edit", noteID, "--version", String(version), "--file", second])
        try await gustavs.succeed(["notes", "sign", noteID, "--version", String(version + 1)])
        let approve = ["supervision", "approve", noteID, "--request-key", "terminal-review", "--json"]
        let approved = try await danas.succeed(approve)
        try check(approved.json?["status"] as? String == "cosigned", "approved: \(approved)")
        let retried = try await danas.succeed(approve)
        try check(
            retried.json?["cosignedAt"] as? String == approved.json?["cosignedAt"] as? String,
            "one co-signature")
        let empty = try await danas.succeed(["supervision", "queue"])
        try check(empty.stdout == "No notes await your co-signature.\n", "the queue is empty: \(empty)")

        let read = try await stack.notes.getNote(.with { $0.noteID = noteID }, options: ida.options).view.note
        try check(read.status == .cosigned, "Ida reads the co-signed note")
    }
}
