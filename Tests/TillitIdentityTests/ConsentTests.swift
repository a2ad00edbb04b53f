import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitTesting

/// Consent through the real server: record, check, revoke, list, and who may do what.
@Suite(.timeLimit(.minutes(5)))
struct ConsentTests {
    private func record(
        _ harness: IdentityHarness, _ options: CallOptions, client: String,
        kind: Tillit_Identity_V1_ConsentKind,
        practitioner: String? = nil, howGiven: String = ""
    ) async throws -> Tillit_Identity_V1_Consent {
        var request = Tillit_Identity_V1_RecordConsentRequest()
        request.clientID.value = client
        request.kind = kind
        if let practitioner { request.practitionerID.value = practitioner }
        request.howGiven = howGiven
        return try await harness.identity.recordConsent(request, options: options).consent
    }

    private func check(
        _ harness: IdentityHarness, _ options: CallOptions, client: String,
        kind: Tillit_Identity_V1_ConsentKind,
        practitioner: String? = nil
    ) async throws -> Tillit_Identity_V1_CheckConsentResponse {
        var request = Tillit_Identity_V1_CheckConsentRequest()
        request.clientID.value = client
        request.kind = kind
        if let practitioner { request.practitionerID.value = practitioner }
        return try await harness.identity.checkConsent(request, options: options)
    }

    @Test func grantCheckRevokeCheck() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            let service = practice.options(.service)
            #expect(try await check(harness, service, client: client, kind: .treatment).granted == false)

            let consent = try await record(
                harness, practice.options(.client), client: client, kind: .treatment)
            #expect(consent.recordedBy.value == client)
            #expect(consent.howGiven.isEmpty)
            let granted = try await check(harness, service, client: client, kind: .treatment)
            #expect(granted.granted)
            #expect(granted.consentID == consent.id)
            // Another kind is not implied.
            #expect(
                try await check(harness, service, client: client, kind: .caseConsultation).granted == false)

            var revoke = Tillit_Identity_V1_RevokeConsentRequest()
            revoke.consentID = consent.id
            let revoked = try await harness.identity.revokeConsent(revoke, options: practice.options(.client))
                .consent
            #expect(revoked.hasRevokedAt)
            #expect(revoked.revokedBy.value == client)
            // Revoked, then checked: not granted.
            #expect(try await check(harness, service, client: client, kind: .treatment).granted == false)
            // Revoking twice is refused; the record stays as history.
            await expectRPCError(.failedPrecondition) {
                try await harness.identity.revokeConsent(revoke, options: practice.options(.client))
            }
            var list = Tillit_Identity_V1_ListConsentsRequest()
            list.clientID.value = client
            #expect(
                try await harness.identity.listConsents(list, options: practice.options(.admin)).consents
                    .isEmpty)
            list.includeRevoked = true
            let history = try await harness.identity.listConsents(list, options: practice.options(.admin))
                .consents
            #expect(history.map(\.id) == [consent.id])

            // Granted again after revocation: a new record.
            let again = try await record(harness, practice.options(.client), client: client, kind: .treatment)
            #expect(again.id != consent.id)
            #expect(try await check(harness, service, client: client, kind: .treatment).granted)
        }
    }

    @Test func shareWithPractitionerNamesThePractitioner() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            let practitioner = practice.id(.practitioner)
            let admin = practice.options(.admin)
            await expectRPCError(.invalidArgument, "practitioner missing") {
                try await record(
                    harness, practice.options(.client), client: client, kind: .shareWithPractitioner)
            }
            await expectRPCError(.invalidArgument, "practitioner on another kind") {
                try await record(
                    harness, practice.options(.client), client: client, kind: .treatment,
                    practitioner: practitioner)
            }
            await expectRPCError(.notFound, "a scheduler is not a practitioner") {
                try await record(
                    harness, practice.options(.client), client: client, kind: .shareWithPractitioner,
                    practitioner: practice.id(.scheduler))
            }
            _ = try await record(
                harness, practice.options(.client), client: client, kind: .shareWithPractitioner,
                practitioner: practitioner)
            #expect(
                try await check(
                    harness, admin, client: client, kind: .shareWithPractitioner, practitioner: practitioner
                )
                .granted)
            #expect(
                try await check(
                    harness, admin, client: client, kind: .shareWithPractitioner,
                    practitioner: practice.id(.supervisor)
                ).granted == false)
        }
    }

    @Test func staffRecordOnTheClientsBehalfWithHowItWasGiven() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            await expectRPCError(.invalidArgument, "how_given missing") {
                try await record(
                    harness, practice.options(.practitioner), client: client, kind: .contactByMessage)
            }
            await expectRPCError(.permissionDenied, "scheduler") {
                try await record(
                    harness, practice.options(.scheduler), client: client, kind: .contactByMessage,
                    howGiven: "by phone")
            }
            let consent = try await record(
                harness, practice.options(.practitioner), client: client, kind: .contactByMessage,
                howGiven: "orally at intake, 2026-03-02")
            #expect(consent.recordedBy.value == practice.id(.practitioner))
            #expect(consent.howGiven == "orally at intake, 2026-03-02")
            await expectRPCError(.alreadyExists, "already in force") {
                try await record(
                    harness, practice.options(.admin), client: client, kind: .contactByMessage,
                    howGiven: "again")
            }
            // The client sees who recorded it in their audit trail.
            var audit = Tillit_Identity_V1_ListAuditEventsRequest()
            audit.action = "consent.record"
            let events = try await harness.identity.listAuditEvents(audit, options: practice.options(.client))
                .events
            #expect(
                events.contains { $0.actor.value == practice.id(.practitioner) && $0.client.value == client })
        }
    }

    @Test func aServiceActsOnlyForTheClientItNames() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            await expectRPCError(.permissionDenied, "no x-on-behalf-of") {
                try await record(harness, practice.options(.service), client: client, kind: .treatment)
            }
            await expectRPCError(.permissionDenied, "acting for another client") {
                try await record(
                    harness, practice.options(.service, onBehalfOf: practice.otherClient), client: client,
                    kind: .treatment)
            }
            let consent = try await record(
                harness, practice.options(.service, actingFor: .client), client: client, kind: .treatment)
            #expect(consent.recordedBy.value == client)
        }
    }

    @Test func otherClientsAndOtherOrganisationsSeeNothing() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let client = practice.id(.client)
            let consent = try await record(
                harness, practice.options(.client), client: client, kind: .treatment)
            await expectRPCError(.notFound, "other organisation checks") {
                try await check(harness, practice.options(.otherAdmin), client: client, kind: .treatment)
            }
            var revoke = Tillit_Identity_V1_RevokeConsentRequest()
            revoke.consentID = consent.id
            revoke.howGiven = "by letter"
            await expectRPCError(.notFound, "other organisation revokes") {
                try await harness.identity.revokeConsent(revoke, options: practice.options(.otherAdmin))
            }
            await expectRPCError(.permissionDenied, "a client checks another client") {
                try await check(
                    harness, practice.options(.client), client: practice.otherClient, kind: .treatment)
            }
            await expectRPCError(.notFound, "a foreign client from this organisation") {
                try await check(
                    harness, practice.options(.admin), client: practice.foreignClient, kind: .treatment)
            }
            await expectRPCError(.notFound, "a staff id is not a client") {
                try await check(
                    harness, practice.options(.admin), client: practice.id(.practitioner), kind: .treatment)
            }
            await expectRPCError(.invalidArgument, "malformed id") {
                try await check(harness, practice.options(.admin), client: "not-an-id", kind: .treatment)
            }
            await expectRPCError(.invalidArgument, "kind unspecified") {
                try await check(harness, practice.options(.admin), client: client, kind: .unspecified)
            }
        }
    }
}
