import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Records `consent` as given through `actor`, audited as `consent.record`. NOT_FOUND unless
    /// the client is a client (and the practitioner a practitioner) of the caller's organisation;
    /// FAILED_PRECONDITION for a deactivated client; ALREADY_EXISTS while the same consent is in
    /// force.
    func recordConsent(_ consent: ConsentTarget, as actor: ConsentActor, by caller: Caller) async throws
        -> ConsentRecord
    {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            guard
                let client = try AccountRecord.fetch(
                    db, organization: caller.organization, id: consent.client),
                client.isClient
            else { throw ServiceError.notFound("client") }
            guard client.isActive else {
                throw ServiceError(.failedPrecondition, "the client account is deactivated")
            }
            if let practitioner = consent.practitioner {
                guard
                    let account = try AccountRecord.fetch(
                        db, organization: caller.organization, id: practitioner),
                    account.roles.contains(.practitioner)
                else { throw ServiceError.notFound("practitioner") }
            }
            if try ConsentRecord.inForce(
                db, client: consent.client, kind: consent.kind, practitioner: consent.practitioner) != nil
            {
                throw ServiceError(.alreadyExists, "this consent is already in force")
            }
            let id = Self.newID()
            try db.execute(
                sql: """
                    INSERT INTO consents (id, organization_id, client_account_id, kind, practitioner_account_id,
                        granted_at, recorded_by, how_given)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, caller.organization, consent.client, consent.kind, consent.practitioner, at,
                    actor.recordedBy, actor.howGiven,
                ])
            try audit(
                db,
                AuditEvent(
                    "consent.record", client: consent.client,
                    detail:
                        "\(consent.kind.rawValue)\(consent.practitioner.map { " for \($0)" } ?? "") (\(id))"),
                by: AuditActor(caller).acting(for: actor.onBehalfOf))
            guard let stored = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError(.internalError, "consent not stored")
            }
            return stored
        }
    }

    /// Revokes consent `id`, audited as `consent.revoke`. NOT_FOUND for an id not of the
    /// caller's organisation (or, for a client, not their own); the actor is decided as for
    /// recording (`ConsentActor`); FAILED_PRECONDITION when already revoked.
    func revokeConsent(_ id: String, howGiven: String, by caller: Caller) async throws -> ConsentRecord {
        let at = nowMillis
        return try await write { db in
            try requireActiveCaller(db, caller)
            guard let current = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError.notFound("consent")
            }
            if caller.isClient && current.client != caller.id { throw ServiceError.notFound("consent") }
            let actor = try ConsentActor(caller, client: current.client, howGiven: howGiven)
            guard current.revokedAt == nil else {
                throw ServiceError(.failedPrecondition, "the consent is already revoked")
            }
            try db.execute(
                sql:
                    "UPDATE consents SET revoked_at = ?, revoked_by = ?, revocation_how_given = ? WHERE id = ?",
                arguments: [max(at, current.grantedAt), actor.recordedBy, actor.howGiven, id])
            try audit(
                db,
                AuditEvent(
                    "consent.revoke", client: current.client, detail: "\(current.kind.rawValue) (\(id))"),
                by: AuditActor(caller).acting(for: actor.onBehalfOf))
            guard let revoked = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError.notFound("consent")
            }
            return revoked
        }
    }

    /// `client`'s consents, newest first, from after `page.after` (a `ConsentRecord.pageKey`):
    /// `page.size + 1` of them, for `Page.split`; audited as `consent.list` unless the client
    /// reads their own. NOT_FOUND unless `client` is a client of the caller's organisation.
    func consents(of client: String, includeRevoked: Bool, page: Page, for caller: Caller) async throws
        -> [ConsentRecord]
    {
        let after = try page.after.map(ConsentRecord.PageKey.init(token:))
        return try await write { db in
            try requireActiveCaller(db, caller)
            guard let account = try AccountRecord.fetch(db, organization: caller.organization, id: client),
                account.isClient
            else { throw ServiceError.notFound("client") }
            let rows = try Row.fetchAll(
                db,
                sql: ConsentRecord.selection + """
                     WHERE organization_id = ? AND client_account_id = ? AND (? OR revoked_at IS NULL)
                        AND (? IS NULL OR granted_at < ? OR (granted_at = ? AND id > ?))
                    ORDER BY granted_at DESC, id LIMIT ?
                    """,
                arguments: [
                    caller.organization, client, includeRevoked, after?.grantedAt, after?.grantedAt,
                    after?.grantedAt, after?.id, page.size + 1,
                ]
            ).map(ConsentRecord.init(row:))
            if caller.id != client {
                try audit(db, AuditEvent("consent.list", client: client), by: AuditActor(caller))
            }
            return rows
        }
    }

    /// What CheckConsent answers from, in one statement without a transaction: whether the
    /// caller is active, whether the client exists, and the consent in force.
    func checkConsent(_ consent: ConsentTarget, for caller: Caller) async throws -> ConsentCheck {
        try await readOneStatement { db in
            try ConsentRecord.check(
                db, organization: caller.organization, caller: caller.id, client: consent.client,
                kind: consent.kind, practitioner: consent.practitioner)
        }
    }
}
