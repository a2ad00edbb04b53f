import Foundation
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Booking or Identity unreachable: UNAVAILABLE within the caller's deadline and nothing written
/// or shown; calls relay the caller's token and name Notes (Booking's and Identity's own audit
/// trails show it).
@Suite(.timeLimit(.minutes(5)))
struct NotesDependencyTests {
    @Test func bookingDownMeansUnavailableAndNothingWritten() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            let draft = try await harness.write("Utkast", sign: false, as: author)
            let rows = try harness.rows("notes")
            let events = try harness.rows("audit_events")
            harness.bookingLink.cut()
            await expectCode(.unavailable, "create with Booking down") {
                try await harness.write("Ny", as: author)
            }
            await expectCode(.unavailable, "sign with Booking down") {
                try await harness.notes.signNote(
                    .with {
                        $0.noteID = draft.id
                        $0.expectedVersion = 1
                    }, options: author)
            }
            #expect(try harness.rows("notes") == rows)
            #expect(try harness.rows("audit_events") == events)
            harness.bookingLink.restore()
            // The client reconnects with backoff (slower on a busy machine); a refused sign wrote
            // nothing, so trying again until Booking is reached is safe.
            let signed = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                let (outcome, response, _) = await attempt {
                    try await harness.notes.signNote(
                        .with {
                            $0.noteID = draft.id
                            $0.expectedVersion = 1
                        }, options: author)
                }
                return outcome == .ok && response?.note.status == .signed
            }
            #expect(signed, "signing works again once Booking is back")
        }
    }

    @Test func identityDownMeansAColleagueIsNotShownAndATraineeCannotSign() async throws {
        try await withNotes { harness in
            let note = try await harness.write("Samtal", as: harness.options(.practitioner))
            try await harness.book(harness.colleague.id, day: 3)
            _ = try await harness.consent(to: harness.colleague.id)
            harness.identityLink.cut()
            await expectCode(.unavailable, "consent cannot be checked") {
                try await harness.read(note.id, as: harness.options(token: harness.colleague.token))
            }
            let rows = try harness.rows("notes")
            await expectCode(.unavailable, "the trainee's supervisor cannot be asked") {
                try await harness.write("Samtal", as: harness.options(token: harness.trainee.token))
            }
            #expect(try harness.rows("notes") == rows)
            harness.identityLink.restore()
            let readable = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                let (outcome, response, _) = await attempt {
                    try await harness.read(note.id, as: harness.options(token: harness.colleague.token))
                }
                return outcome == .ok && response?.basis == .consentedColleague
            }
            #expect(readable, "the colleague reads again once Identity is back")
        }
    }

    @Test func anEndedSessionIsRefusedByNotesWithinTheRevocationWindow() async throws {
        try await withNotes { harness in
            _ = try await harness.write("Samtal", as: harness.options(.practitioner))

            // practitioner's own token was used: a revoked session is refused by Booking too.
            _ = try await harness.identity.revokeSessions(
                .with { $0.accountID.value = harness.id(.practitioner) }, options: harness.options(.admin))
            let refused = await eventually(timeout: .seconds(10)) {
                let (outcome, _, _) = await attempt {
                    try await harness.write("Efter", as: harness.options(.practitioner))
                }
                return outcome == .failed(.unauthenticated)
            }
            #expect(refused, "an ended session is refused by Notes too, within the poll interval")
        }
    }
}
