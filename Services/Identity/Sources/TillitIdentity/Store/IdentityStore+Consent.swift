import Foundation
import GRDB

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
            else { throw IdentityError.notFound("client") }
            guard client.isActive else {
                throw IdentityError(.failedPrecondition, "the client account is deactivated")
            }
            if let practitioner = consent.practitioner {
                guard
                    let account = try AccountRecord.fetch(
                        db, organization: caller.organization, id: practitioner),
                    account.roles.contains("practitioner")
                else { throw IdentityError.notFound("practitioner") }
            }
            if try ConsentRecord.inForce(
                db, client: consent.client, kind: consent.kind, practitioner: consent.practitioner) != nil
            {
                throw IdentityError(.alreadyExists, "this consent is already in force")
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
                db, caller,
                AuditEntry(
                    actor: caller.id, onBehalfOf: actor.onBehalfOf, action: "consent.record",
                    client: consent.client,
                    detail: "\(consent.kind)\(consent.practitioner.map { " for \($0)" } ?? "") (\(id))"))
            guard let stored = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw IdentityError(.internalError, "consent not stored")
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
                throw IdentityError.notFound("consent")
            }
            if caller.isClient && current.client != caller.id { throw IdentityError.notFound("consent") }
            let actor = try ConsentActor(caller, client: current.client, howGiven: howGiven)
            guard current.revokedAt == nil else {
                throw IdentityError(.failedPrecondition, "the consent is already revoked")
            }
            try db.execute(
                sql:
                    "UPDATE consents SET revoked_at = ?, revoked_by = ?, revocation_how_given = ? WHERE id = ?",
                arguments: [max(at, current.grantedAt), actor.recordedBy, actor.howGiven, id])
            try audit(
                db, caller,
                AuditEntry(
                    actor: caller.id, onBehalfOf: actor.onBehalfOf, action: "consent.revoke",
                    client: current.client, detail: "\(current.kind) (\(id))"))
            guard let revoked = try ConsentRecord.fetch(db, organization: caller.organization, id: id) else {
                throw IdentityError.notFound("consent")
            }
            return revoked
        }
    }

    /// A page of `client`'s consents, newest first; audited as `consent.list` unless the client
    /// reads their own. NOT_FOUND unless `client` is a client of the caller's organisation.
    func consents(of client: String, includeRevoked: Bool, page: Paging, for caller: Caller) async throws
        -> (consents: [ConsentRecord], hasMore: Bool)
    {
        try await write { db in
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
                arguments: [caller.organization, client, includeRevoked, page.size + 1, page.offset]
            ).map(ConsentRecord.init(row:))
            if caller.id != client {
                try audit(
                    db, caller,
                    AuditEntry(
                        actor: caller.id, onBehalfOf: caller.onBehalfOf, action: "consent.list",
                        client: client))
            }
            return (Array(rows.prefix(page.size)), rows.count > page.size)
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
