import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// Creates a staff account with roles, profile and initial password, audited as
    /// `account.create`. The supervisor of a pre-licensed practitioner must be an active
    /// supervisor of the caller's organisation.
    func createStaffAccount(_ staff: NewStaffInput, password: PasswordHash, by caller: Caller) async throws
        -> AccountRecord
    {
        let at = nowMillis
        let account = try await write { db in
            try requireActiveCaller(db, caller)
            try validateStaffProfile(
                db, organization: caller.organization, account: nil, roles: staff.roles,
                licence: staff.licence, supervisor: staff.supervisor)
            let id = try insertStaff(
                db, organization: caller.organization, staff, password: password, grantedBy: caller.id, at: at
            )
            try audit(
                db,
                AuditEvent(
                    "account.create", subject: id,
                    detail: "staff; roles: \(staff.roles.map(\.rawValue).joined(separator: ","))"),
                by: AuditActor(caller))
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw ServiceError(.internalError, "account not stored") }
        return account
    }

    /// Creates a client account with its profile and, if given, an initial password, audited as
    /// `account.create`.
    func createClientAccount(_ client: NewClientInput, password: PasswordHash?, by caller: Caller)
        async throws -> AccountRecord
    {
        let at = nowMillis
        let account = try await write { db in
            try requireActiveCaller(db, caller)
            let id = Self.newID()
            try insertAccount(
                db, id: id, organization: caller.organization, kind: .client, email: client.email,
                displayName: client.displayName, at: at)
            try db.execute(
                sql:
                    "INSERT INTO client_profiles (account_id, organization_id, time_zone, languages) VALUES (?, ?, ?, ?)",
                arguments: [
                    id, caller.organization, client.timeZone, LanguageColumn.encode(client.languages),
                ])
            if let password {
                try insertPassword(db, organization: caller.organization, account: id, password, at: at)
            }
            try audit(
                db, AuditEvent("account.create", subject: id, client: id, detail: "client"),
                by: AuditActor(caller))
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw ServiceError(.internalError, "account not stored") }
        return account
    }

    /// Creates a service account signing in with `secret` (only its SHA-256 is stored), audited
    /// as `account.create`.
    func createServiceAccount(displayName: String, description: String, secret: String, by caller: Caller)
        async throws -> AccountRecord
    {
        let at = nowMillis
        let account = try await write { db in
            try requireActiveCaller(db, caller)
            let id = Self.newID()
            try insertAccount(
                db, id: id, organization: caller.organization, kind: .service, email: nil,
                displayName: displayName, at: at)
            try db.execute(
                sql: """
                    INSERT INTO service_profiles (account_id, organization_id, description, secret_hash)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [id, caller.organization, description, Self.tokenHash(secret)])
            try audit(
                db, AuditEvent("account.create", subject: id, detail: "service: \(displayName)"),
                by: AuditActor(caller))
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw ServiceError(.internalError, "account not stored") }
        return account
    }

    /// Applies `update` to account `id` of the caller's organisation, audited as
    /// `account.update`. Only admins change discipline, licence status or supervisor
    /// (PERMISSION_DENIED); a profile of the wrong kind is INVALID_ARGUMENT; an e-mail in use is
    /// ALREADY_EXISTS.
    func updateAccount(_ id: String, _ update: AccountUpdate, by caller: Caller) async throws
        -> AccountRecord
    {
        let account = try await write { db in
            try requireActiveCaller(db, caller)
            guard let current = try AccountRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError.notFound("account")
            }
            if update.staff != nil && !current.isStaff {
                throw ServiceError.invalid("staff", "the account is not staff")
            }
            if update.client != nil && !current.isClient {
                throw ServiceError.invalid("client", "the account is not a client")
            }
            if let email = update.email {
                if current.isService {
                    throw ServiceError.invalid("email", "service accounts have no e-mail")
                }
                if try Bool.fetchOne(
                    db,
                    sql:
                        "SELECT EXISTS (SELECT 1 FROM accounts WHERE organization_id = ? AND email = ? AND id <> ?)",
                    arguments: [caller.organization, email, id]) == true
                {
                    throw ServiceError(.alreadyExists, "an account with this e-mail already exists")
                }
            }
            if let staff = update.staff {
                if !caller.isAdmin
                    && (staff.discipline != current.discipline || staff.licence != current.licence
                        || staff.supervisor != current.supervisor)
                {
                    throw ServiceError.denied(
                        "not allowed to change discipline, licence status or supervisor (admins do)")
                }
                try validateStaffProfile(
                    db, organization: caller.organization, account: id, roles: current.roles,
                    licence: staff.licence, supervisor: staff.supervisor)
                try db.execute(
                    sql: """
                        UPDATE staff_profiles SET discipline = ?, languages = ?, licence_status = ?,
                            supervisor_account_id = ?
                        WHERE account_id = ?
                        """,
                    arguments: [
                        staff.discipline, LanguageColumn.encode(staff.languages), staff.licence,
                        staff.supervisor,
                        id,
                    ])
            }
            if let client = update.client {
                try db.execute(
                    sql: "UPDATE client_profiles SET time_zone = ?, languages = ? WHERE account_id = ?",
                    arguments: [client.timeZone, LanguageColumn.encode(client.languages), id])
            }
            if update.displayName != nil || update.email != nil {
                try db.execute(
                    sql:
                        "UPDATE accounts SET display_name = coalesce(?, display_name), email = coalesce(?, email) WHERE id = ?",
                    arguments: [update.displayName, update.email, id])
            }
            var fields: [String] = []
            if update.displayName != nil { fields.append("display_name") }
            if update.email != nil { fields.append("email") }
            if update.staff != nil { fields.append("staff") }
            if update.client != nil { fields.append("client") }
            try audit(
                db,
                AuditEvent(
                    "account.update", subject: id, client: current.isClient ? id : nil,
                    detail: fields.joined(separator: ",")), by: AuditActor(caller))
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw ServiceError.notFound("account") }
        return account
    }

    /// Replaces the roles of staff account `id`, audited as `roles.set` with the old roles; when
    /// they change, every session of the account ends (its tokens carry the old roles). The
    /// organisation keeps an active admin, a supervisor with supervisees keeps the role, and a
    /// practitioner needs a licence status (FAILED_PRECONDITION otherwise).
    func setRoles(_ roles: [Role], of id: String, by caller: Caller) async throws -> AccountRecord {
        let at = nowMillis
        let account = try await write { db in
            try requireActiveCaller(db, caller)
            guard let current = try AccountRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError.notFound("account")
            }
            guard current.isStaff else {
                throw ServiceError(.failedPrecondition, "only staff accounts hold roles")
            }
            if roles.contains(.practitioner) && current.licence == nil {
                throw ServiceError(
                    .failedPrecondition, "set the licence status (UpdateAccount) before the practitioner role"
                )
            }
            if current.roles.contains(.supervisor) && !roles.contains(.supervisor) {
                try requireNoSupervisees(db, account: id, what: "cannot remove the supervisor role")
            }
            try db.execute(sql: "DELETE FROM account_roles WHERE account_id = ?", arguments: [id])
            for role in roles {
                try insertRole(
                    db, organization: caller.organization, account: id, role, grantedBy: caller.id, at: at)
            }
            try requireActiveAdmin(db, organization: caller.organization)
            let sessions =
                try Set(roles) == Set(current.roles) ? 0 : revokeSessions(db, account: id, at: at)
            try audit(
                db,
                AuditEvent(
                    "roles.set", subject: id,
                    detail:
                        "roles: \(roles.map(\.rawValue).joined(separator: ",")) (was: \(current.roles.map(\.rawValue).joined(separator: ","))); sessions revoked: \(sessions)"
                ), by: AuditActor(caller))
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw ServiceError.notFound("account") }
        return account
    }

    /// Deactivates account `id` and ends its sessions, audited as `account.deactivate`; an
    /// account already deactivated is returned unchanged. The organisation keeps an active admin
    /// and nobody active is left naming it as supervisor (FAILED_PRECONDITION otherwise).
    func deactivateAccount(_ id: String, reason: String, by caller: Caller) async throws -> AccountRecord {
        let at = nowMillis
        let account = try await write { db in
            try requireActiveCaller(db, caller)
            guard let current = try AccountRecord.fetch(db, organization: caller.organization, id: id) else {
                throw ServiceError.notFound("account")
            }
            if current.isActive {
                try requireNoSupervisees(db, account: id, what: "cannot deactivate a supervisor")
                try db.execute(
                    sql: """
                        UPDATE accounts SET status = 'deactivated', deactivated_at = ?, deactivation_reason = ?
                        WHERE id = ?
                        """,
                    arguments: [at, reason.isEmpty ? nil : reason, id])
                try requireActiveAdmin(db, organization: caller.organization)
                let sessions = try revokeSessions(db, account: id, at: at)
                try audit(
                    db,
                    AuditEvent(
                        "account.deactivate", subject: id, client: current.isClient ? id : nil,
                        detail: "sessions revoked: \(sessions); \(reason)"), by: AuditActor(caller))
            }
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw ServiceError.notFound("account") }
        return account
    }

    /// Account `id` of the caller's organisation, or nil (also for another organisation's id).
    func account(_ id: String, for caller: Caller) async throws -> AccountRecord? {
        try await read { db in
            try requireActiveCaller(db, caller)
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
    }

    /// The caller's organisation's accounts matching `filter`, by display name (case-insensitive)
    /// and id, from after `page.after` (an `AccountRecord.pageKey`): `page.size + 1` of them, for
    /// `Page.split`.
    func accounts(matching filter: AccountFilter, page: Page, for caller: Caller) async throws
        -> [AccountRecord]
    {
        let after = try page.after.map(AccountRecord.PageKey.init(token:))
        return try await read { db in
            try requireActiveCaller(db, caller)
            var sql = AccountRecord.selection + " WHERE a.organization_id = ?"
            var arguments: StatementArguments = [caller.organization]
            if let kind = filter.kind {
                sql += " AND a.kind = ?"
                _ = arguments.append(contentsOf: [kind])
            }
            if let role = filter.role {
                sql += " AND EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id AND r.role = ?)"
                _ = arguments.append(contentsOf: [role])
            }
            if !filter.includeDeactivated { sql += " AND a.status = 'active'" }
            if let after {
                sql += " AND (a.display_name COLLATE NOCASE, a.id) > (?, ?)"
                _ = arguments.append(contentsOf: [after.displayName, after.id])
            }
            sql += " ORDER BY a.display_name COLLATE NOCASE, a.id LIMIT ?"
            _ = arguments.append(contentsOf: [page.size + 1])
            return try db.cachedRows(sql: sql, arguments: arguments).map(AccountRecord.init(row:))
        }
    }

    /// Inserts a staff account with roles, profile and (optionally) a password; returns its id.
    func insertStaff(
        _ db: Database, organization: String, _ staff: NewStaffInput, password: PasswordHash?,
        grantedBy: String?, at: Int64
    ) throws -> String {
        let id = Self.newID()
        try insertAccount(
            db, id: id, organization: organization, kind: .staff, email: staff.email,
            displayName: staff.displayName, at: at)
        for role in staff.roles {
            try insertRole(db, organization: organization, account: id, role, grantedBy: grantedBy, at: at)
        }
        try db.execute(
            sql: """
                INSERT INTO staff_profiles (account_id, organization_id, discipline, languages, licence_status,
                    supervisor_account_id)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, organization, staff.discipline, LanguageColumn.encode(staff.languages), staff.licence,
                staff.supervisor,
            ])
        if let password {
            try insertPassword(db, organization: organization, account: id, password, at: at)
        }
        return id
    }

    /// Inserts the `accounts` row; an e-mail in use answers ALREADY_EXISTS.
    private func insertAccount(
        _ db: Database, id: String, organization: String, kind: AccountKind, email: String?,
        displayName: String,
        at: Int64
    ) throws {
        if let email,
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE organization_id = ? AND email = ?)",
                arguments: [organization, email]) == true
        {
            throw ServiceError(.alreadyExists, "an account with this e-mail already exists")
        }
        try db.execute(
            sql: """
                INSERT INTO accounts (id, organization_id, kind, status, email, display_name, created_at)
                VALUES (?, ?, ?, 'active', ?, ?, ?)
                """,
            arguments: [id, organization, kind, email, displayName, at])
    }

    /// Grants `role` to staff account `account`.
    private func insertRole(
        _ db: Database, organization: String, account: String, _ role: Role, grantedBy: String?, at: Int64
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO account_roles (organization_id, account_id, role, granted_at, granted_by)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [organization, account, role, at, grantedBy])
    }

    /// Checks a staff profile against the roles and the organisation's accounts: practitioners
    /// need a licence status, and exactly the pre-licensed name a supervisor, who must be another,
    /// active supervisor of the organisation.
    private func validateStaffProfile(
        _ db: Database, organization: String, account: String?, roles: [Role], licence: LicenceStatus?,
        supervisor: String?
    ) throws {
        if roles.contains(.practitioner) && licence == nil {
            throw ServiceError.invalid("profile.licence_status", "is required for practitioners")
        }
        if licence == .preLicensed {
            guard let supervisor else {
                throw ServiceError.invalid(
                    "profile.supervisor_id", "is required for a pre-licensed practitioner")
            }
            guard supervisor != account else {
                throw ServiceError.invalid("profile.supervisor_id", "cannot be the account itself")
            }
            guard let record = try AccountRecord.fetch(db, organization: organization, id: supervisor),
                record.isActive,
                record.roles.contains(.supervisor)
            else {
                throw ServiceError(
                    .failedPrecondition,
                    "profile.supervisor_id: not an active supervisor of this organisation")
            }
        } else if supervisor != nil {
            throw ServiceError.invalid(
                "profile.supervisor_id", "is set only for a pre-licensed practitioner")
        }
    }

    /// FAILED_PRECONDITION unless the organisation still has an active admin.
    private func requireActiveAdmin(_ db: Database, organization: String) throws {
        let admins =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM account_roles r JOIN accounts a ON a.id = r.account_id
                    WHERE r.organization_id = ? AND r.role = 'admin' AND a.status = 'active'
                    """,
                arguments: [organization]) ?? 0
        guard admins > 0 else {
            throw ServiceError(.failedPrecondition, "an organisation must keep at least one active admin")
        }
    }

    /// FAILED_PRECONDITION while active pre-licensed practitioners name `account` as supervisor.
    private func requireNoSupervisees(_ db: Database, account: String, what: String) throws {
        let count =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM staff_profiles p JOIN accounts a ON a.id = p.account_id
                    WHERE p.supervisor_account_id = ? AND a.status = 'active'
                    """,
                arguments: [account]) ?? 0
        guard count == 0 else {
            throw ServiceError(
                .failedPrecondition,
                "\(what): \(count) pre-licensed practitioner(s) name this supervisor; reassign them first")
        }
    }
}
