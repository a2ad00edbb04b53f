import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The co-signature queue end to end across a real Supervision and a real Notes: the queue is
/// Notes' answer for the supervisor's token; approving co-signs through Notes and is recorded
/// once; returning sends the note back to draft; with Notes down nothing is recorded anywhere.
@Suite(.timeLimit(.minutes(5)))
struct SupervisionCosignatureTests {
    @Test func aTraineesNoteIsReturnedFixedAndApprovedOnceHoweverOftenItIsRetried() async throws {
        try await withSupervision { harness in
            let supervisor = harness.options(.supervisor)
            let note = try await harness.notes.write("Första samtalet", as: harness.asTrainee)
            #expect(note.status == .awaitingCosignature)
            let queue = try await harness.supervision.listQueue(.init(), options: supervisor)
            #expect(queue.notes.map(\.id) == [note.id])
            // Another supervisor sees nothing of it and cannot approve it.
            #expect(try await harness.supervision.listQueue(.init(), options: harness.asOtherSupervisor).notes.isEmpty)
            await expectCode(.notFound, "another supervisor approving") {
                try await harness.supervision.approveNote(
                    .with {
                        $0.noteID = note.id
                        $0.requestKey = "k0"
                    }, options: harness.asOtherSupervisor)
            }
            // Returned with a comment: a draft again, gone from the queue.
            let returned = try await harness.supervision.returnNote(
                .with {
                    $0.noteID = note.id
                    $0.comment = "Beskriv bedömningen tydligare."
                }, options: supervisor
            ).note
            #expect(returned.status == .draft)
            #expect(returned.returnComment == "Beskriv bedömningen tydligare.")
            #expect(try await harness.supervision.listQueue(.init(), options: supervisor).notes.isEmpty)
            await expectCode(.invalidArgument, "a return without a comment") {
                try await harness.supervision.returnNote(.with { $0.noteID = note.id }, options: supervisor)
            }
            // The trainee fixes and signs it again.
            let fixed = try await harness.notes.notes.updateDraft(
                .with {
                    $0.noteID = note.id
                    $0.body = NotesHarness.body("Första samtalet; bedömning: lindrig oro.")
                    $0.expectedVersion = returned.version
                }, options: harness.asTrainee
            ).note
            let signed = try await harness.notes.notes.signNote(
                .with {
                    $0.noteID = note.id
                    $0.expectedVersion = fixed.version
                }, options: harness.asTrainee
            ).note
            #expect(signed.status == .awaitingCosignature)
            // Approved; the same request again gives the same answer and no second record.
            let approve = Tillit_Supervision_V1_ApproveNoteRequest.with {
                $0.noteID = note.id
                $0.requestKey = "approve-1"
            }
            let first = try await harness.supervision.approveNote(approve, options: supervisor).note
            #expect(first.status == .cosigned)
            #expect(first.cosignedBy.value == harness.id(.supervisor))
            let again = try await harness.supervision.approveNote(approve, options: supervisor).note
            #expect(again == first)
            #expect(try harness.reviews(approved: true, of: note.id) == 1)
            #expect(try harness.reviews(approved: false, of: note.id) == 1)
            // Another request to approve the co-signed note: a clear refusal, still one record.
            await expectCode(.failedPrecondition, "approving a co-signed note with another key") {
                try await harness.supervision.approveNote(
                    .with {
                        $0.noteID = note.id
                        $0.requestKey = "approve-2"
                    }, options: supervisor)
            }
            #expect(try harness.reviews(approved: true, of: note.id) == 1)
            #expect(try await harness.supervision.listQueue(.init(), options: supervisor).notes.isEmpty)
            await expectCode(.invalidArgument, "an approval without a request key") {
                try await harness.supervision.approveNote(.with { $0.noteID = note.id }, options: supervisor)
            }
        }
    }

    @Test func aNoteNotesCosignedAlreadyIsRecordedOnceWhenTheSameApprovalArrivesThroughSupervision()
        async throws
    {
        try await withSupervision { harness in
            let supervisor = harness.options(.supervisor)
            let note = try await harness.notes.write("Samtal två", as: harness.asTrainee)
            // The supervisor co-signed in Notes directly (e.g. an approval whose answer was lost).
            _ = try await harness.notes.notes.cosignNote(
                .with {
                    $0.noteID = note.id
                    $0.requestKey = "lost-answer"
                }, options: supervisor)
            #expect(try harness.reviews(approved: true, of: note.id) == 0)
            // The retry with that key: Notes answers as before, Supervision records it once.
            let retried = try await harness.supervision.approveNote(
                .with {
                    $0.noteID = note.id
                    $0.requestKey = "lost-answer"
                }, options: supervisor
            ).note
            #expect(retried.status == .cosigned)
            #expect(try harness.reviews(approved: true, of: note.id) == 1)
        }
    }

    @Test func withNotesDownTheApprovalIsUnavailableAndNothingIsRecordedOnEitherSide() async throws {
        try await withSupervision { harness in
            let supervisor = harness.options(.supervisor)
            let note = try await harness.notes.write("Samtal tre", as: harness.asTrainee)
            let reviewsBefore = try harness.rows("reviews")
            let auditBefore = try harness.rows("audit_events")
            harness.notesLink.cut()
            let approve = Tillit_Supervision_V1_ApproveNoteRequest.with {
                $0.noteID = note.id
                $0.requestKey = "while-down"
            }
            await expectCode(.unavailable, "approve with Notes down") {
                try await harness.supervision.approveNote(approve, options: supervisor)
            }
            await expectCode(.unavailable, "the queue with Notes down") {
                try await harness.supervision.listQueue(.init(), options: supervisor)
            }
            await expectCode(.unavailable, "return with Notes down") {
                try await harness.supervision.returnNote(
                    .with {
                        $0.noteID = note.id
                        $0.comment = "x"
                    }, options: supervisor)
            }
            #expect(try harness.rows("reviews") == reviewsBefore)
            #expect(try harness.rows("audit_events") == auditBefore)
            // Notes has no co-signature either.
            let view = try await harness.notes.read(note.id, as: supervisor)
            #expect(view.note.status == .awaitingCosignature)
            harness.notesLink.restore()
            // Once Notes is back (the client reconnects with a back-off), the same request works.
            var approved: Tillit_Notes_V1_Note?
            let recovered = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                approved = try? await harness.supervision.approveNote(approve, options: supervisor).note
                return approved != nil
            }
            #expect(recovered)
            #expect(approved?.status == .cosigned)
            #expect(try harness.reviews(approved: true, of: note.id) == 1)
        }
    }
}

extension SupervisionHarness {
    /// How many approvals (or returns) of `note` Supervision recorded.
    func reviews(approved: Bool, of note: String) throws -> Int {
        try count(
            "SELECT count(*) FROM reviews WHERE note_id = ? AND outcome = ?", [note, approved ? "approved" : "returned"])
    }
}
