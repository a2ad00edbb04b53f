import Foundation
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// A pre-licensed author's notes wait for the supervisor Identity names; returned with a
/// comment, fixed, signed again, co-signed once.
@Suite(.timeLimit(.minutes(5)))
struct NotesCosignatureTests {
    @Test func aTraineesNoteIsReturnedFixedAndCosignedOnce() async throws {
        try await withNotes { harness in
            let trainee = harness.options(token: harness.trainee.token)
            let supervisor = harness.options(.supervisor)
            let note = try await harness.write("Klienten verkar ledsen", as: trainee)
            #expect(note.status == .awaitingCosignature)
            #expect(note.supervisorID.value == harness.id(.supervisor))
            // Not final yet: the client does not see it.
            await expectCode(.notFound, "the client, before co-signature") {
                try await harness.read(note.id, as: harness.options(.client))
            }
            let queue = try await harness.notes.listAwaitingCosignature(.init(), options: supervisor)
            #expect(queue.notes.map(\.id) == [note.id])
            #expect(try await harness.read(note.id, as: supervisor).basis == .supervisor)

            let returned = try await harness.notes.returnNote(
                .with {
                    $0.noteID = note.id
                    $0.comment = "Beskriv vad du observerade, inte vad du tror"
                }, options: supervisor
            ).note
            #expect(returned.status == .draft && returned.version == 1)
            let seen = try await harness.read(note.id, as: trainee)
            #expect(seen.note.returnComment == "Beskriv vad du observerade, inte vad du tror")
            #expect(
                try await harness.notes.listAwaitingCosignature(.init(), options: supervisor).notes.isEmpty)

            _ = try await harness.notes.updateDraft(
                .with {
                    $0.noteID = note.id
                    $0.body = NotesHarness.body("Klienten grät två gånger och talade lågt")
                    $0.expectedVersion = 1
                }, options: trainee)
            let resigned = try await harness.notes.signNote(
                .with {
                    $0.noteID = note.id
                    $0.expectedVersion = 2
                }, options: trainee
            ).note
            #expect(resigned.status == .awaitingCosignature)

            let key = UUID().uuidString
            let cosigned = try await harness.notes.cosignNote(
                .with {
                    $0.noteID = note.id
                    $0.requestKey = key
                }, options: supervisor
            ).note
            #expect(cosigned.status == .cosigned && cosigned.cosignedBy.value == harness.id(.supervisor))
            // The same request again (a retry): the same answer, one co-signature.
            let again = try await harness.notes.cosignNote(
                .with {
                    $0.noteID = note.id
                    $0.requestKey = key
                }, options: supervisor
            ).note
            #expect(again.cosignedAt == cosigned.cosignedAt)
            await expectCode(.failedPrecondition, "already co-signed (another request)") {
                try await harness.notes.cosignNote(
                    .with {
                        $0.noteID = note.id
                        $0.requestKey = UUID().uuidString
                    }, options: supervisor)
            }
            await expectCode(.failedPrecondition, "returning a co-signed note") {
                try await harness.notes.returnNote(
                    .with {
                        $0.noteID = note.id
                        $0.comment = "För sent"
                    }, options: supervisor)
            }
            // After co-signing the supervisor no longer reads it (no other rule allows it).
            await expectCode(.permissionDenied, "the supervisor after co-signing") {
                try await harness.read(note.id, as: supervisor)
            }
            let view = try await harness.read(note.id, as: harness.options(.client))
            #expect(view.note.body.sections[0].text == "Klienten grät två gånger och talade lågt")
            #expect(view.note.returnComment.isEmpty, "the return comment is between author and supervisor")
            let events = try await harness.notes.listAuditEvents(
                .with { $0.action = "notes.cosign" }, options: harness.options(.admin))
            #expect(events.events.count == 1)
        }
    }

    @Test func onlyTheNamedSupervisorSeesOrCosignsAndProcessNotesNeverWait() async throws {
        try await withNotes { harness in
            let trainee = harness.options(token: harness.trainee.token)
            let note = try await harness.write("Samtal", as: trainee)
            let process = try await harness.write("Egen reflektion", kind: .process, as: trainee)
            #expect(process.status == .signed, "process notes are the author's alone")
            // Another supervisor of the practice.
            let other = try await harness.identity.createStaffAccount(
                .with {
                    $0.email = "supervisor2@stigen.se"
                    $0.displayName = "Handledare 2"
                    $0.roles = [.supervisor]
                    $0.profile.licenceStatus = .licensed
                    $0.initialPassword = IdentityHarness.password
                }, options: harness.options(.admin))
            #expect(other.account.roles == [.supervisor])
            // signIn enrols TOTP (supervisors must have it) and signs in with a code.
            let login = try await harness.booking.identity.signIn(
                organization: harness.practice.organization, email: "supervisor2@stigen.se"
            ).login
            let token = login.tokens.accessToken
            let stranger = harness.options(token: token)
            #expect(try await harness.notes.listAwaitingCosignature(.init(), options: stranger).notes.isEmpty)
            await expectCode(.notFound, "another supervisor co-signing") {
                try await harness.notes.cosignNote(
                    .with {
                        $0.noteID = note.id
                        $0.requestKey = "k"
                    }, options: stranger)
            }
            await expectCode(.notFound, "the trainee's supervisor never sees process notes") {
                try await harness.notes.cosignNote(
                    .with {
                        $0.noteID = process.id
                        $0.requestKey = "k"
                    }, options: harness.options(.supervisor))
            }
        }
    }
}
