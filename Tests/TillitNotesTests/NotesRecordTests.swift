import Foundation
import GRDB
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The client's side of the record: comments beside shared notes, the export, the access log;
/// and the audit chain that records it all.
@Suite(.timeLimit(.minutes(5)))
struct NotesRecordTests {
    @Test func theClientCommentsBesideASharedNoteNeverInIt() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let shared = try await harness.write("Mål: sova sju timmar", kind: .shared, as: author)
            let session = try await harness.write("Sessionsanteckning", as: author)
            let client = harness.options(.client)
            let comment = try await harness.notes.addComment(
                .with {
                    $0.noteID = shared.id
                    $0.text = "Sex timmar räcker för mig"
                }, options: client
            ).comment
            await expectCode(.failedPrecondition, "comments on a session note") {
                try await harness.notes.addComment(
                    .with {
                        $0.noteID = session.id
                        $0.text = "Hej"
                    }, options: client)
            }
            for role in [Practice.Role.client, .practitioner] {
                let view = try await harness.read(shared.id, as: harness.options(role))
                #expect(view.note.body.sections.map(\.text) == ["Mål: sova sju timmar"])
                #expect(view.comments.map(\.text) == ["Sex timmar räcker för mig"])
                #expect(view.comments.first?.id == comment.id)
                #expect(view.comments.first?.authorID.value == harness.id(.client))
            }
            #expect(throws: DatabaseError.self) {
                try harness.execute("UPDATE note_comments SET created_at = 0")
            }
            #expect(throws: DatabaseError.self) { try harness.execute("DELETE FROM note_comments") }
        }
    }

    @Test func theExportHoldsSessionAndSharedNotesWithAddendaAndCommentsDecrypted() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let session = try await harness.write("Första", as: author)
            _ = try await harness.notes.addAddendum(
                .with {
                    $0.noteID = session.id
                    $0.body = NotesHarness.body("Tillägg")
                }, options: author)
            let shared = try await harness.write("Plan", kind: .shared, as: author)
            _ = try await harness.notes.addComment(
                .with {
                    $0.noteID = shared.id
                    $0.text = "Okej"
                }, options: harness.options(.client))
            _ = try await harness.write("Process", kind: .process, as: author)
            _ = try await harness.write("Utkast", sign: false, as: author)
            let export = try await harness.notes.exportRecord(.init(), options: harness.options(.client))
            #expect(export.notes.map(\.note.id) == [session.id, shared.id])
            #expect(export.notes[0].addenda.map { $0.body.sections[0].text } == ["Tillägg"])
            #expect(export.notes[1].comments.map(\.text) == ["Okej"])
            await expectCode(.invalidArgument, "an admin's export needs a reason") {
                try await harness.notes.exportRecord(
                    .with { $0.clientID.value = harness.id(.client) }, options: harness.options(.admin))
            }
            await expectCode(.permissionDenied, "a client exporting another client's record") {
                try await harness.notes.exportRecord(
                    .with { $0.clientID.value = harness.practice.otherClient },
                    options: harness.options(.client))
            }
        }
    }

    @Test func theAccessLogListsEveryReaderOfTheClientsRecord() async throws {
        try await withNotes { harness in
            let note = try await harness.write("Samtal", as: harness.options(.practitioner))
            try await harness.book(harness.colleague.id, day: 3)
            _ = try await harness.consent(to: harness.colleague.id)
            _ = try await harness.read(note.id, as: harness.options(token: harness.colleague.token))
            _ = try await harness.read(note.id, as: harness.options(.client))
            let log = try await harness.notes.listAccessLog(.init(), options: harness.options(.client))
            let readers = Set(log.entries.filter { $0.action == "notes.read" }.map(\.actor.value))
            #expect(readers == [harness.colleague.id, harness.id(.client)])
            #expect(
                log.entries.contains {
                    $0.action == "notes.create" && $0.actor.value == harness.id(.practitioner)
                })
            let asAdmin = try await harness.notes.listAccessLog(
                .with { $0.clientID.value = harness.id(.client) }, options: harness.options(.admin))
            #expect(asAdmin.entries.count == log.entries.count)
            await expectCode(.permissionDenied, "another client's log") {
                try await harness.notes.listAccessLog(
                    .with { $0.clientID.value = harness.practice.otherClient },
                    options: harness.options(.client))
            }
        }
    }

    @Test func aRowAlteredOrDeletedBehindTheTriggersFailsVerificationAndIsNamed() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            for index in 0..<3 { _ = try await harness.write("Anteckning \(index)", as: author) }
            let admin = harness.options(.admin)
            let intact = try await harness.notes.verifyAuditChain(.init(), options: admin)
            #expect(intact.intact && intact.eventsChecked >= 6)
            for name in try harness.auditTriggers() { try harness.execute("DROP TRIGGER \(name)") }
            try harness.execute("UPDATE audit_events SET actor = ? WHERE seq = 3", [harness.id(.admin)])
            let altered = try await harness.notes.verifyAuditChain(.init(), options: admin)
            #expect(!altered.intact)
            #expect(altered.firstBrokenSequence == 3)
        }
    }
}
