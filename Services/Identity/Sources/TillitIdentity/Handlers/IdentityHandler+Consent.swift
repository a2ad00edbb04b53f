import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    /// The validated client, kind and practitioner of a consent request; the practitioner is
    /// named exactly for `share_with_practitioner`.
    private static func consentTarget(
        client: Tillit_Common_V1_AccountId, kind: Tillit_Identity_V1_ConsentKind,
        practitioner: Tillit_Common_V1_AccountId, hasPractitioner: Bool
    ) throws -> ConsentTarget {
        let clientID = try accountID(client, field: "client_id")
        let kind = try ConsentKind(wire: kind)
        let practitionerID =
            hasPractitioner && !practitioner.value.isEmpty
            ? try accountID(practitioner, field: "practitioner_id") : nil
        guard (kind == .shareWithPractitioner) == (practitionerID != nil) else {
            throw ServiceError.invalid("practitioner_id", "is required exactly for share_with_practitioner")
        }
        return ConsentTarget(client: clientID, kind: kind, practitioner: practitionerID)
    }

    func recordConsent(_ request: Tillit_Identity_V1_RecordConsentRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_RecordConsentResponse
    {
        let caller = try Caller.current(context)
        let consent = try Self.consentTarget(
            client: request.clientID, kind: request.kind, practitioner: request.practitionerID,
            hasPractitioner: request.hasPractitionerID)
        let actor = try ConsentActor(caller, client: consent.client, howGiven: request.howGiven)
        var response = Tillit_Identity_V1_RecordConsentResponse()
        response.consent = try await store.recordConsent(consent, as: actor, by: caller).proto
        return response
    }

    func revokeConsent(_ request: Tillit_Identity_V1_RevokeConsentRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_RevokeConsentResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.consentID, field: "consent_id")
        // Who may revoke depends on the stored consent's client: the store decides it
        // (`ConsentActor`) in the transaction that revokes.
        var response = Tillit_Identity_V1_RevokeConsentResponse()
        response.consent = try await store.revokeConsent(id, howGiven: request.howGiven, by: caller).proto
        return response
    }

    func listConsents(_ request: Tillit_Identity_V1_ListConsentsRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_ListConsentsResponse
    {
        let caller = try Caller.current(context)
        let client = try Self.accountID(request.clientID, field: "client_id")
        if caller.isClient {
            try caller.require(client == caller.id, "read another client's consents")
        } else {
            try caller.require(
                caller.isService || caller.isStaff(anyOf: [.admin, .practitioner, .supervisor]),
                "read consents")
        }
        let page = try Page(request.page, maximum: 500)
        let rows = try await store.consents(
            of: client, includeRevoked: request.includeRevoked, page: page, for: caller)
        let (consents, next) = page.split(rows, key: \.pageKey.token)
        var response = Tillit_Identity_V1_ListConsentsResponse()
        response.consents = consents.map(\.proto)
        response.page = next
        return response
    }

    func checkConsent(_ request: Tillit_Identity_V1_CheckConsentRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_CheckConsentResponse
    {
        let caller = try Caller.current(context)
        let consent = try Self.consentTarget(
            client: request.clientID, kind: request.kind, practitioner: request.practitionerID,
            hasPractitioner: request.hasPractitionerID)
        if caller.isClient {
            try caller.require(consent.client == caller.id, "check another client's consent")
        }
        let check = try await store.checkConsent(consent, for: caller)
        guard check.callerActive else { throw ServiceError.callerInactive }
        guard check.clientExists else { throw ServiceError.notFound("client") }
        var response = Tillit_Identity_V1_CheckConsentResponse()
        if let inForce = check.inForce {
            response.granted = true
            response.consentID = inForce.id
            response.grantedAt = WireMapping.timestamp(millis: inForce.grantedAt)
        }
        return response
    }
}
