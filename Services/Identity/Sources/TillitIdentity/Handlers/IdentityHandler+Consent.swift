import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    /// Who records a consent change and how: the client themself, staff on the client's behalf
    /// (with how it was given), or a service acting for the client (`x-on-behalf-of`).
    private struct ConsentActor {
        /// Stored as recorded_by / revoked_by.
        var recordedBy: String
        /// Stored as how_given (nil when the client acted).
        var howGiven: String?
        /// The audit entry's on_behalf_of.
        var onBehalfOf: String?
    }

    /// The validated client, kind and practitioner of a consent request; the practitioner is
    /// named exactly for `share_with_practitioner`.
    private static func consentTarget(
        client: Tillit_Common_V1_AccountId, kind: Tillit_Identity_V1_ConsentKind,
        practitioner: Tillit_Common_V1_AccountId, hasPractitioner: Bool
    ) throws -> (client: String, kind: String, practitioner: String?) {
        let clientID = try accountID(client, field: "client_id")
        let kindName = try WireMapping.consentKind(kind)
        let practitionerID =
            hasPractitioner && !practitioner.value.isEmpty
            ? try accountID(practitioner, field: "practitioner_id") : nil
        guard (kindName == "share_with_practitioner") == (practitionerID != nil) else {
            throw IdentityError.invalid("practitioner_id", "is required exactly for share_with_practitioner")
        }
        return (clientID, kindName, practitionerID)
    }

    private func consentActor(_ caller: Caller, client: String, howGiven: String) throws -> ConsentActor {
        let how = try Validation.text(howGiven, field: "how_given", max: 2000)
        if caller.isClient {
            try caller.require(client == caller.id, "change another client's consent")
            return ConsentActor(recordedBy: caller.id, howGiven: how.isEmpty ? nil : how, onBehalfOf: nil)
        }
        if caller.isService {
            guard caller.onBehalfOf == client else {
                throw IdentityError.denied(
                    "a service changes consent only acting for the client (x-on-behalf-of)")
            }
            return ConsentActor(recordedBy: client, howGiven: how.isEmpty ? nil : how, onBehalfOf: client)
        }
        try caller.require(caller.isStaff(anyOf: ["admin", "practitioner"]), "record consent for a client")
        guard !how.isEmpty else {
            throw IdentityError.invalid("how_given", "is required when staff record consent for a client")
        }
        return ConsentActor(recordedBy: caller.id, howGiven: how, onBehalfOf: client)
    }

    func recordConsent(_ request: Tillit_Identity_V1_RecordConsentRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_RecordConsentResponse
    {
        let caller = try Caller.current(context)
        let (client, kind, practitioner) = try Self.consentTarget(
            client: request.clientID, kind: request.kind, practitioner: request.practitionerID,
            hasPractitioner: request.hasPractitionerID)
        let actor = try consentActor(caller, client: client, howGiven: request.howGiven)
        let at = store.nowMillis
        let consent = try await store.write { db -> ConsentRecord in
            try requireActiveCaller(db, caller)
            guard
                let clientAccount = try AccountRecord.fetch(
                    db, organization: caller.organization, id: client),
                clientAccount.isClient
            else { throw IdentityError.notFound("client") }
            guard clientAccount.isActive else {
                throw IdentityError(.failedPrecondition, "the client account is deactivated")
            }
            if let practitioner {
                guard
                    let account = try AccountRecord.fetch(
                        db, organization: caller.organization, id: practitioner),
                    account.roles.contains("practitioner")
                else { throw IdentityError.notFound("practitioner") }
            }
            if try ConsentRecord.inForce(db, client: client, kind: kind, practitioner: practitioner) != nil {
                throw IdentityError(.alreadyExists, "this consent is already in force")
            }
            let id = IdentityStore.newID()
            try db.execute(
                sql: """
                    INSERT INTO consents (id, organization_id, client_account_id, kind, practitioner_account_id,
                        granted_at, recorded_by, how_given)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, caller.organization, client, kind, practitioner, at, actor.recordedBy, actor.howGiven,
                ])
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, onBehalfOf: actor.onBehalfOf, action: "consent.record", client: client,
                    detail: "\(kind)\(practitioner.map { " for \($0)" } ?? "") (\(id))"),
                requestID: caller.requestID)
            guard let consent = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw IdentityError(.internalError, "consent not stored")
            }
            return consent
        }
        var response = Tillit_Identity_V1_RecordConsentResponse()
        response.consent = consent.proto
        return response
    }

    func revokeConsent(_ request: Tillit_Identity_V1_RevokeConsentRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_RevokeConsentResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.consentID, field: "consent_id")
        let at = store.nowMillis
        let consent = try await store.write { db -> ConsentRecord in
            try requireActiveCaller(db, caller)
            guard let current = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw IdentityError.notFound("consent")
            }
            if caller.isClient && current.client != caller.id { throw IdentityError.notFound("consent") }
            let actor = try consentActor(caller, client: current.client, howGiven: request.howGiven)
            guard current.revokedAt == nil else {
                throw IdentityError(.failedPrecondition, "the consent is already revoked")
            }
            try db.execute(
                sql:
                    "UPDATE consents SET revoked_at = ?, revoked_by = ?, revocation_how_given = ? WHERE id = ?",
                arguments: [max(at, current.grantedAt), actor.recordedBy, actor.howGiven, id])
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, onBehalfOf: actor.onBehalfOf, action: "consent.revoke",
                    client: current.client,
                    detail: "\(current.kind) (\(id))"),
                requestID: caller.requestID)
            guard let consent = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw IdentityError.notFound("consent")
            }
            return consent
        }
        var response = Tillit_Identity_V1_RevokeConsentResponse()
        response.consent = consent.proto
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
                caller.isService || caller.isStaff(anyOf: ["admin", "practitioner", "supervisor"]),
                "read consents")
        }
        let page = try Paging(request.page)
        let (consents, more) = try await store.write { db -> ([ConsentRecord], Bool) in
            try requireActiveCaller(db, caller)
            guard let account = try AccountRecord.fetch(db, organization: caller.organization, id: client),
                account.isClient
            else { throw IdentityError.notFound("client") }
            let rows = try Row.fetchAll(
                db,
                sql: ConsentRecord.selection + """
                     WHERE organization_id = ? AND client_account_id = ? AND (? OR revoked_at IS NULL)
                    ORDER BY granted_at DESC, id LIMIT ? OFFSET ?
                    """,
                arguments: [caller.organization, client, request.includeRevoked, page.size + 1, page.offset]
            ).map(ConsentRecord.init(row:))
            if caller.id != client {
                try audit(
                    db, organization: caller.organization,
                    AuditEntry(
                        actor: caller.id, onBehalfOf: caller.onBehalfOf, action: "consent.list",
                        client: client),
                    requestID: caller.requestID)
            }
            return (Array(rows.prefix(page.size)), rows.count > page.size)
        }
        var response = Tillit_Identity_V1_ListConsentsResponse()
        response.consents = consents.map(\.proto)
        response.page = page.response(hasMore: more)
        return response
    }

    func checkConsent(_ request: Tillit_Identity_V1_CheckConsentRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_CheckConsentResponse
    {
        let caller = try Caller.current(context)
        let (client, kind, practitioner) = try Self.consentTarget(
            client: request.clientID, kind: request.kind, practitioner: request.practitionerID,
            hasPractitioner: request.hasPractitionerID)
        if caller.isClient { try caller.require(client == caller.id, "check another client's consent") }
        let consent = try await store.readOneStatement { db in
            try ConsentRecord.check(
                db, organization: caller.organization, caller: caller.id, client: client, kind: kind,
                practitioner: practitioner)
        }
        guard consent.callerActive else {
            throw IdentityError.callerInactive
        }
        guard consent.clientExists else { throw IdentityError.notFound("client") }
        var response = Tillit_Identity_V1_CheckConsentResponse()
        if let consent = consent.inForce {
            response.granted = true
            response.consentID = consent.id
            response.grantedAt = WireMapping.timestamp(millis: consent.grantedAt)
        }
        return response
    }
}
