import Foundation
import GRDB
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Drafts, signing, the lock the database itself holds, addenda, structured templates,
/// idempotent creation and stale-draft reminders.
@Suite(.timeLimit(.minutes(5)))
struct NotesLifecycleTests {
    static func soap(_ subjective: String, plan: String = "Ses om en vecka") -> Tillit_Notes_V1_NoteBody {
        .with {
            $0.template = .soap
            $0.sections = zip(
                ["subjective", "objective", "assessment", "plan"], [subjective, "Lugn", "Stabil", plan]
            )
            .map { heading, text in
                .with {
                    $0.heading = heading
                    $0.text = text
                }
            }
        }
    }

    @Test func aDraftIsEditedByVersionThenSignedAndLocked() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let draft = try await harness.notes.createNote(
                .with {
                    $0.clientID.value = harness.id(.client)
                    $0.kind = .session
                    $0.body = Self.soap("Sover dåligt", plan: "")
                }, options: author
            ).note
            #expect(draft.status == .draft && draft.version == 1)
            await expectCode(.invalidArgument, "a SOAP note with an empty plan cannot be signed") {
                try await harness.notes.signNote(
                    .with {
                        $0.noteID = draft.id
                        $0.expectedVersion = 1
                    }, options: author)
            }
            let edited = try await harness.notes.updateDraft(
                .with {
                    $0.noteID = draft.id
                    $0.body = Self.soap("Sover bättre")
                    $0.expectedVersion = 1
                }, options: author
            ).note
            #expect(edited.version == 2)
            await expectCode(.aborted, "an edit based on an old version") {
                try await harness.notes.updateDraft(
                    .with {
                        $0.noteID = draft.id
                        $0.body = Self.soap("Förlorad ändring")
                        $0.expectedVersion = 1
                    }, options: author)
            }
            let signed = try await harness.notes.signNote(
                .with {
                    $0.noteID = draft.id
                    $0.expectedVersion = 2
                }, options: author
            ).note
            #expect(signed.status == .signed && signed.hasSignedAt)
            await expectCode(.failedPrecondition, "a signed note is not edited") {
                try await harness.notes.updateDraft(
                    .with {
                        $0.noteID = draft.id
                        $0.body = Self.soap("Ändrad i efterhand")
                        $0.expectedVersion = 2
                    }, options: author)
            }
            let view = try await harness.read(draft.id, as: author)
            #expect(view.note.body.sections[0].text == "Sover bättre")
            #expect(view.note.body.template == .soap)
        }
    }

    @Test func theDatabaseRefusesToChangeOrDeleteASignedNoteByRawSQL() async throws {
        try await withNotes { harness in
            let note = try await harness.write("Låst", as: harness.options(.practitioner))
            let draft = try await harness.write("Utkast", sign: false, as: harness.options(.practitioner))
            for sql in [
                "UPDATE notes SET body = zeroblob(64) WHERE id = ?",
                "UPDATE notes SET status = 'draft', signed_at = NULL WHERE id = ?",
                "UPDATE notes SET client_id = '00000000-0000-0000-0000-000000000000' WHERE id = ?",
                "UPDATE notes SET version = version + 1 WHERE id = ?",
                "DELETE FROM notes WHERE id = ?",
            ] {
                #expect(throws: DatabaseError.self, "\(sql)") { try harness.execute(sql, [note.id]) }
            }
            // Rewrapping (a new wrapped key at a newer version, the body untouched) is the one
            // change a signed row allows; a draft may still be deleted.
            try harness.execute(
                "UPDATE notes SET wrapped_key = wrapped_key, kek_version = kek_version + 1 WHERE id = ?",
                [note.id])
            try harness.execute("DELETE FROM notes WHERE id = ?", [draft.id])
            #expect(throws: DatabaseError.self) {
                try harness.execute("UPDATE notes SET kek_version = 0 WHERE id = ?", [note.id])
            }
        }
    }

    @Test func anAddendumIsASeparateSignedNoteAlwaysShownWithItsOriginal() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let note = try await harness.write("Fel datum nämnt", as: author)
            let addendum = try await harness.notes.addAddendum(
                .with {
                    $0.noteID = note.id
                    $0.body = NotesHarness.body("Rättelse: mötet var den 3 mars")
                }, options: author
            ).addendum
            #expect(addendum.addendumOf == note.id && addendum.status == .signed && addendum.id != note.id)
            for role in [Practice.Role.practitioner, .client] {
                let view = try await harness.read(note.id, as: harness.options(role))
                #expect(view.note.body.sections[0].text == "Fel datum nämnt")
                #expect(view.addenda.map(\.id) == [addendum.id])
                #expect(view.addenda.first?.body.sections.first?.text == "Rättelse: mötet var den 3 mars")
            }
            await expectCode(.failedPrecondition, "an addendum of an addendum") {
                try await harness.notes.addAddendum(
                    .with {
                        $0.noteID = addendum.id
                        $0.body = NotesHarness.body("Mer")
                    }, options: author)
            }
            await expectCode(.permissionDenied, "someone else's note") {
                try await harness.notes.addAddendum(
                    .with {
                        $0.noteID = note.id
                        $0.body = NotesHarness.body("Inte min")
                    }, options: harness.options(token: harness.colleague.token))
            }
        }
    }

    @Test func aRepeatedCreateWithTheSameKeyAnswersTheSameNote() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let request = Tillit_Notes_V1_CreateNoteRequest.with {
                $0.clientID.value = harness.id(.client)
                $0.kind = .session
                $0.body = NotesHarness.body("En gång")
                $0.sign = true
                $0.idempotencyKey = "visit-2026-03-24"
            }
            let first = try await harness.notes.createNote(request, options: author).note
            let again = try await harness.notes.createNote(request, options: author).note
            #expect(first.id == again.id)
            var other = request
            other.body = NotesHarness.body("Något annat")
            await expectCode(.alreadyExists, "the same key for another note") {
                try await harness.notes.createNote(other, options: author)
            }
            #expect(try harness.rows("notes") == 1)
        }
    }

    @Test func writingNeedsACareRelationship() async throws {
        try await withNotes { harness in
            await expectCode(.permissionDenied, "the colleague has no appointment with the client") {
                try await harness.write("Samtal", as: harness.options(token: harness.colleague.token))
            }
            #expect(try harness.rows("notes") == 0)
            try await harness.book(harness.colleague.id, day: 3)
            _ = try await harness.write("Samtal", as: harness.options(token: harness.colleague.token))
        }
    }

    @Test func draftsNotTouchedForDaysAreListedAsAReminder() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let old = try await harness.write("Gammalt utkast", sign: false, as: author)
            harness.booking.clock.advance(seconds: 8 * 86_400)
            // The first appointment is long over: another keeps the care relationship.
            try await harness.book(harness.id(.practitioner), day: 1)
            _ = try await harness.write("Nytt utkast", sign: false, as: author)
            let stale = try await harness.notes.listStaleDrafts(.init(), options: author)
            #expect(stale.notes.map(\.id) == [old.id])
            let none = try await harness.notes.listStaleDrafts(
                .with { $0.olderThanDays = 30 }, options: author)
            #expect(none.notes.isEmpty)
        }
    }

    @Test func badInputIsRefusedWithTheFieldNamedAndNothingWritten() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            @discardableResult
            func create(_ change: (inout Tillit_Notes_V1_CreateNoteRequest) -> Void) async -> RPCError? {
                var request = Tillit_Notes_V1_CreateNoteRequest.with {
                    $0.clientID.value = harness.id(.client)
                    $0.kind = .session
                    $0.body = NotesHarness.body("Text")
                }
                change(&request)
                return await expectRPCError(.invalidArgument) {
                    try await harness.notes.createNote(request, options: author)
                }
            }
            let huge = String(repeating: "å", count: 40_000)  // 80,000 bytes
            let oversized = await create { $0.body = NotesHarness.body(huge) }
            #expect(oversized?.message.hasPrefix("body:") == true)
            await create { $0.kind = .unspecified }
            await create { $0.body.template = .unspecified }
            await create { $0.body.sections = [] }
            await create { $0.clientID.value = "" }
            await create { $0.clientID.value = "not-a-uuid" }
            await create {
                $0.body = Self.soap("x"); $0.body.sections.removeLast()
            }
            await create { $0.body = NotesHarness.body("text", heading: String(repeating: "h", count: 101)) }
            await create { $0.body = NotesHarness.body("nul \u{0} byte") }
            await create { $0.idempotencyKey = String(repeating: "k", count: 101) }
            await create {
                $0.sign = true; $0.body = NotesHarness.body("   ")
            }
            #expect(try harness.rows("notes") == 0)
            // The limit itself is allowed.
            _ = try await harness.write(String(repeating: "a", count: 65_536), as: author)
        }
    }
}
