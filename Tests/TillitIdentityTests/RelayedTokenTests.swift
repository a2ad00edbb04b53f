import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Acting for a user needs that user's token: `x-on-behalf-of` alone is never trusted.
@Suite(.timeLimit(.minutes(5)))
struct RelayedTokenTests {
    private func recordRequest(_ client: String) -> Tillit_Identity_V1_RecordConsentRequest {
        .with {
            $0.clientID.value = client
            $0.kind = .contactByMessage
        }
    }

    private func auditEvents(_ harness: IdentityHarness, _ practice: Practice, action: String) async throws
        -> [Tillit_Identity_V1_AuditEvent]
    {
        try await harness.identity.listAuditEvents(
            .with {
                $0.action = action
                $0.page.pageSize = 500
            }, options: practice.options(.admin)
        ).events
    }

    /// The attack: a service account names a client id and records (or revokes) consent as if the
    /// client did. Refused, and nothing is written.
    @Test func aServiceNamingAClientWithoutItsTokenIsRefusedAndWritesNothing() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let booking = try bookingRelay(harness)
            defer { booking.close() }
            let identity = Tillit_Identity_V1_Identity.Client(booking)
            let client = practice.id(.client)
            var bare = practice.options(.service, onBehalfOf: client)
            bare.metadata.add(Caller.callingServiceKey, "booking")
            let refusal = await expectRPCError(.permissionDenied, "record by id alone") {
                try await identity.recordConsent(recordRequest(client), options: bare)
            }
            #expect(
                refusal?.message.contains("x-on-behalf-of-token") == true, "\(String(describing: refusal))")
            let consent = try await identity.recordConsent(
                .with {
                    $0.clientID.value = client
                    $0.kind = .treatment
                    $0.howGiven = "orally at intake"
                }, options: practice.options(.admin)
            ).consent
            await expectRPCError(.permissionDenied, "revoke by id alone") {
                try await identity.revokeConsent(.with { $0.consentID = consent.id }, options: bare)
            }
            // Other tokens do not stand in for the client's.
            let wrongTokens: [(String, CallOptions)] = [
                (
                    "the service's own token",
                    bearer(
                        practice.tokens[.service]!, onBehalfOf: client,
                        relaying: practice.tokens[.service])
                ),
                (
                    "another account's token",
                    bearer(
                        practice.tokens[.service]!, onBehalfOf: client,
                        relaying: practice.tokens[.practitioner])
                ),
                (
                    "a foreign organisation's token",
                    bearer(
                        practice.tokens[.service]!, onBehalfOf: client,
                        relaying: practice.tokens[.otherAdmin])
                ),
                (
                    "a forged token",
                    bearer(
                        practice.tokens[.service]!, onBehalfOf: client,
                        relaying: "v4.public.forged")
                ),
                (
                    "staff relaying the client's token",
                    bearer(
                        practice.tokens[.practitioner]!, onBehalfOf: client,
                        relaying: practice.tokens[.client])
                ),
            ]
            for (what, options) in wrongTokens {
                await expectRPCError(.permissionDenied, what) {
                    try await identity.recordConsent(recordRequest(client), options: options)
                }
            }
            let consents = try await identity.listConsents(
                .with {
                    $0.clientID.value = client
                    $0.includeRevoked = true
                }, options: practice.options(.admin)
            ).consents
            #expect(consents.map(\.id) == [consent.id], "only the admin's consent exists")
            #expect(consents.first?.hasRevokedAt == false, "the consent was not revoked")
            let recorded = try await auditEvents(harness, practice, action: "consent.record")
            #expect(recorded.count == 1 && recorded.allSatisfy { $0.actor.value == practice.id(.admin) })
            #expect(try await auditEvents(harness, practice, action: "consent.revoke").isEmpty)
        }
    }

    /// With the client's relayed token the service acts for the client; the audit names the
    /// service (actor), the client (on behalf of) and the relay (via).
    @Test func withTheClientsRelayedTokenTheServiceActsAndTheAuditShowsBoth() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let booking = try bookingRelay(harness)
            defer { booking.close() }
            let identity = Tillit_Identity_V1_Identity.Client(booking)
            let client = practice.id(.client)
            var options = practice.options(.service, actingFor: .client)
            options.metadata.add(Caller.callingServiceKey, "booking")
            let consent = try await identity.recordConsent(recordRequest(client), options: options).consent
            #expect(consent.recordedBy.value == client)
            let revoked = try await identity.revokeConsent(
                .with { $0.consentID = consent.id }, options: options
            )
            .consent
            #expect(revoked.revokedBy.value == client)
            for action in ["consent.record", "consent.revoke"] {
                let event = try #require(try await auditEvents(harness, practice, action: action).first)
                #expect(event.actor.value == practice.id(.service), "\(action)")
                #expect(event.onBehalfOf.value == client, "\(action)")
                #expect(event.via == "booking", "\(action)")
            }
            // Once the client's session ends, its relayed token no longer works either.
            _ = try await identity.revokeSessions(
                .with { $0.accountID.value = client }, options: practice.options(.admin))
            await expectRPCError(.permissionDenied, "an ended session's relayed token") {
                try await identity.recordConsent(recordRequest(client), options: options)
            }
        }
    }
}

/// A client to Identity as booking would relay: presenting booking's certificate (a
/// `x-calling-service: booking` claim without it is refused).
private func bookingRelay(_ harness: IdentityHarness) throws -> RPCClient {
    RPCClient(host: "127.0.0.1", port: harness.port, configuration: try .tls(to: .identity, presenting: "booking"))
}
