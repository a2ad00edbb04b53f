import Foundation
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Every cell of docs/notes.md's read matrix against a real Identity, Booking and Notes.
@Suite(.timeLimit(.minutes(5)))
struct NotesReadAccessTests {
    @Test func theAuthorReadsEveryKindOfTheirOwnNotes() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            for kind in [Tillit_Notes_V1_NoteKind.session, .process, .shared] {
                let note = try await harness.write("Samtal om sömn (\(kind))", kind: kind, as: author)
                let view = try await harness.read(note.id, as: author)
                #expect(view.basis == .author)
                #expect(view.note.body.sections[0].text == "Samtal om sömn (\(kind))")
                #expect(view.note.status == .signed)
            }
        }
    }

    @Test func aSwitchedPractitionerIsDeniedUntilConsentAndAgainOnTheNextReadAfterRevocation() async throws {
        try await withNotes { harness in
            let note = try await harness.write("Första samtalet", as: harness.options(.practitioner))
            let colleague = harness.options(token: harness.colleague.token)
            // The client switches: an appointment with the colleague, but no consent yet.
            try await harness.book(harness.colleague.id, day: 3)
            await expectCode(.permissionDenied, "care relationship, no consent") {
                try await harness.read(note.id, as: colleague)
            }
            let listed = try await harness.notes.listNotes(
                .with { $0.clientID.value = harness.id(.client) }, options: colleague)
            #expect(listed.notes.isEmpty)
            let consent = try await harness.consent(to: harness.colleague.id)
            let view = try await harness.read(note.id, as: colleague)
            #expect(view.basis == .consentedColleague)
            #expect(view.note.body.sections[0].text == "Första samtalet")
            let withConsent = try await harness.notes.listNotes(
                .with { $0.clientID.value = harness.id(.client) }, options: colleague)
            #expect(withConsent.notes.map(\.id) == [note.id])
            try await harness.revoke(consent)
            await expectCode(.permissionDenied, "consent revoked: the very next read") {
                try await harness.read(note.id, as: colleague)
            }
        }
    }

    @Test func consentWithoutACareRelationshipIsNotEnough() async throws {
        try await withNotes { harness in
            let note = try await harness.write("Samtal", as: harness.options(.practitioner))
            _ = try await harness.consent(to: harness.colleague.id)
            await expectCode(.permissionDenied, "consent, no care relationship") {
                try await harness.read(note.id, as: harness.options(token: harness.colleague.token))
            }
        }
    }

    @Test func aColleagueNeverSeesProcessNotesOrDraftsEvenWithConsent() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let process = try await harness.write("Min motöverföring", kind: .process, as: author)
            let draft = try await harness.write("Utkast", sign: false, as: author)
            try await harness.book(harness.colleague.id, day: 3)
            _ = try await harness.consent(to: harness.colleague.id)
            let colleague = harness.options(token: harness.colleague.token)
            for id in [process.id, draft.id] {
                await expectCode(.notFound, "hidden from a consented colleague") {
                    try await harness.read(id, as: colleague)
                }
            }
            let listed = try await harness.notes.listNotes(
                .with { $0.clientID.value = harness.id(.client) }, options: colleague)
            #expect(listed.notes.isEmpty)
        }
    }

    @Test func theClientReadsTheirSessionAndSharedNotesButNeverProcessNotes() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let session = try await harness.write("Sessionsanteckning", as: author)
            let shared = try await harness.write("Vår plan", kind: .shared, as: author)
            let process = try await harness.write("Processanteckning", kind: .process, as: author)
            let draft = try await harness.write("Utkast", sign: false, as: author)
            let client = harness.options(.client)
            #expect(try await harness.read(session.id, as: client).basis == .client)
            #expect(try await harness.read(shared.id, as: client).note.body.sections[0].text == "Vår plan")
            for id in [process.id, draft.id] {
                await expectCode(.notFound, "process note or draft, to the client") {
                    try await harness.read(id, as: client)
                }
            }
            let listed = try await harness.notes.listNotes(.init(), options: client)
            #expect(Set(listed.notes.map(\.id)) == [session.id, shared.id])
            // Not even as a count: the client's access log names no process-note event.
            let log = try await harness.notes.listAccessLog(.init(), options: client)
            #expect(!log.entries.contains { $0.noteID == process.id })
            let export = try await harness.notes.exportRecord(.init(), options: client)
            #expect(Set(export.notes.map(\.note.id)) == [session.id, shared.id])
        }
    }

    @Test func anotherClientAnotherPracticeAndOtherStaffLearnNothing() async throws {
        try await withNotes { harness in
            let note = try await harness.write("Samtal", as: harness.options(.practitioner))
            // The other client of the practice signs in.
            let other = try await harness.booking.identity.signIn(
                organization: harness.practice.organization, email: "other.client@example.com"
            ).login
            await expectCode(.notFound, "another client") {
                try await harness.read(note.id, as: harness.options(token: other.tokens.accessToken))
            }
            await expectCode(
                .notFound, "another practice's admin (gate admits admins, the note is not theirs)"
            ) {
                try await harness.read(note.id, as: harness.options(.otherAdmin))
            }
            await expectCode(.notFound, "another practice's emergency access") {
                try await harness.notes.emergencyAccess(
                    .with {
                        $0.noteID = note.id
                        $0.reason = "client in acute danger, on call"
                    }, options: harness.options(.otherAdmin))
            }
            await expectCode(.permissionDenied, "the practice's admin without emergency access") {
                try await harness.read(note.id, as: harness.options(.admin))
            }
            await expectCode(.permissionDenied, "a supervisor who is not co-signing it") {
                try await harness.read(note.id, as: harness.options(.supervisor))
            }
            await expectCode(.permissionDenied, "the scheduler (gate)") {
                try await harness.read(note.id, as: harness.options(.scheduler))
            }
        }
    }

    @Test func emergencyAccessReadsWithAReasonAndIsFlaggedInTheClientsAccessLog() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let note = try await harness.write("Samtal", as: author)
            let process = try await harness.write("Process", kind: .process, as: author)
            let admin = harness.options(.admin)
            await expectCode(.invalidArgument, "no reason") {
                try await harness.notes.emergencyAccess(.with { $0.noteID = note.id }, options: admin)
            }
            let view = try await harness.notes.emergencyAccess(
                .with {
                    $0.noteID = note.id
                    $0.reason = "client reported missing, police request"
                }, options: admin
            ).view
            #expect(view.basis == .emergency)
            #expect(view.note.body.sections[0].text == "Samtal")
            await expectCode(.notFound, "process notes are never readable by emergency access") {
                try await harness.notes.emergencyAccess(
                    .with {
                        $0.noteID = process.id
                        $0.reason = "client reported missing, police request"
                    }, options: admin)
            }
            let log = try await harness.notes.listAccessLog(.init(), options: harness.options(.client))
            let entry = try #require(log.entries.first { $0.action == "notes.emergency_access" })
            #expect(entry.emergency)
            #expect(entry.actor.value == harness.id(.admin))
            #expect(entry.noteID == note.id)
        }
    }
}
