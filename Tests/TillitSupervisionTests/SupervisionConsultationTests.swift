import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Case consultations: a de-identified topic between the two parties only; a client attached
/// only with their `case_consultation` consent, checked when attached and on every read.
@Suite(.timeLimit(.minutes(5)))
struct SupervisionConsultationTests {
    private func consent(_ harness: SupervisionHarness) async throws -> String {
        try await harness.identity.recordConsent(
            .with {
                $0.clientID.value = harness.id(.client)
                $0.kind = .caseConsultation
            }, options: harness.options(.client)
        ).consent.id
    }

    private func raise(_ harness: SupervisionHarness, client: String = "") async throws
        -> Tillit_Supervision_V1_Consultation
    {
        try await harness.supervision.raiseConsultation(
            .with {
                $0.topic = "Gränser vid sena sms"
                $0.summary = "En klient i 30-årsåldern skriver sent på kvällen."
                $0.clientID.value = client
            }, options: harness.asTrainee
        ).consultation
    }

    @Test func aClientIsAttachedOnlyWithConsentAndWithheldOnceItIsRevokedWhileTheTopicStays() async throws {
        try await withSupervision { harness in
            let client = harness.id(.client)
            await expectCode(.failedPrecondition, "attaching a client without case_consultation consent") {
                try await raise(harness, client: client)
            }
            #expect(try harness.rows("consultations") == 0)
            let consentID = try await consent(harness)
            let raised = try await raise(harness, client: client)
            #expect(raised.clientID.value == client && !raised.clientWithheld)
            #expect(raised.supervisorID.value == harness.id(.supervisor))
            let supervisor = harness.options(.supervisor)
            let read = try await harness.supervision.getConsultation(
                .with { $0.consultationID = raised.id }, options: supervisor
            ).consultation
            #expect(read.clientID.value == client)
            // The client revokes: on the very next read the identity is gone, the topic stays.
            _ = try await harness.identity.revokeConsent(.with { $0.consentID = consentID }, options: harness.options(.client))
            let after = try await harness.supervision.getConsultation(
                .with { $0.consultationID = raised.id }, options: supervisor
            ).consultation
            #expect(after.clientID.value.isEmpty)
            #expect(after.clientWithheld)
            #expect(after.topic == raised.topic && after.summary == raised.summary)
            let listed = try await harness.supervision.listConsultations(.init(), options: harness.asTrainee)
            #expect(listed.consultations.map(\.clientWithheld) == [true])
        }
    }

    @Test func theThreadIsTheTwoPartiesAloneAndClosesWithAnOutcome() async throws {
        try await withSupervision { harness in
            let raised = try await raise(harness)
            let supervisor = harness.options(.supervisor)
            _ = try await harness.supervision.addReply(
                .with {
                    $0.consultationID = raised.id
                    $0.text = "Vad har ni kommit överens om kring kontakt?"
                }, options: supervisor)
            _ = try await harness.supervision.addReply(
                .with {
                    $0.consultationID = raised.id
                    $0.text = "Inget skriftligt ännu."
                }, options: harness.asTrainee)
            for (options, who) in [
                (harness.asOtherSupervisor, "another supervisor"),
                (harness.options(token: harness.colleague.token), "a colleague"),
            ] {
                await expectCode(.notFound, "\(who) reading") {
                    try await harness.supervision.getConsultation(.with { $0.consultationID = raised.id }, options: options)
                }
                await expectCode(.notFound, "\(who) replying") {
                    try await harness.supervision.addReply(
                        .with {
                            $0.consultationID = raised.id
                            $0.text = "?"
                        }, options: options)
                }
                #expect(try await harness.supervision.listConsultations(.init(), options: options).consultations.isEmpty)
            }
            await expectCode(.permissionDenied, "an admin reading") {
                try await harness.supervision.getConsultation(
                    .with { $0.consultationID = raised.id }, options: harness.options(.admin))
            }
            let closed = try await harness.supervision.closeConsultation(
                .with {
                    $0.consultationID = raised.id
                    $0.outcome = "Skriftlig kontaktöverenskommelse vid nästa session."
                    $0.actions = ["Ta upp kontaktfönstret", "Dokumentera överenskommelsen"]
                }, options: supervisor
            ).consultation
            #expect(closed.closed)
            #expect(closed.replies.map(\.text) == ["Vad har ni kommit överens om kring kontakt?", "Inget skriftligt ännu."])
            #expect(closed.actions.count == 2)
            await expectCode(.failedPrecondition, "a reply after closing") {
                try await harness.supervision.addReply(
                    .with {
                        $0.consultationID = raised.id
                        $0.text = "En sak till"
                    }, options: harness.asTrainee)
            }
            #expect(try await harness.supervision.listConsultations(.init(), options: supervisor).consultations.isEmpty)
            #expect(
                try await harness.supervision.listConsultations(.with { $0.includeClosed = true }, options: supervisor)
                    .consultations.count == 1)
            await expectCode(.invalidArgument, "an empty topic") {
                try await harness.supervision.raiseConsultation(.with { $0.summary = "x" }, options: harness.asTrainee)
            }
            await expectCode(.invalidArgument, "a practitioner without a supervisor") {
                try await harness.supervision.raiseConsultation(
                    .with { $0.topic = "x" }, options: harness.options(token: harness.colleague.token))
            }
        }
    }

    @Test func withIdentityDownAClientCannotBeAttachedAndNothingIsRecorded() async throws {
        try await withSupervision { harness in
            _ = try await consent(harness)
            harness.identityLink.cut()
            await expectCode(.unavailable, "attaching a client with Identity down") {
                try await raise(harness, client: harness.id(.client))
            }
            #expect(try harness.rows("consultations") == 0)
            harness.identityLink.restore()
        }
    }
}
