import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    /// Checks a staff profile against the roles and the organisation's accounts.
    func validateStaffProfile(
        _ db: Database, organization: String, account: String?, roles: [String], discipline: String,
        licence: String?, supervisor: String?
    ) throws {
        if roles.contains("practitioner") && licence == nil {
            throw IdentityError.invalid("profile.licence_status", "is required for practitioners")
        }
        if licence == "pre_licensed" {
            guard let supervisor else {
                throw IdentityError.invalid("profile.supervisor_id", "is required for a pre-licensed practitioner")
            }
            guard supervisor != account else {
                throw IdentityError.invalid("profile.supervisor_id", "cannot be the account itself")
            }
            guard let record = try AccountRecord.fetch(db, organization: organization, id: supervisor), record.isActive,
                record.roles.contains("supervisor")
            else {
                throw IdentityError(.failedPrecondition, "profile.supervisor_id: not an active supervisor of this organisation")
            }
        } else if supervisor != nil {
            throw IdentityError.invalid("profile.supervisor_id", "is set only for a pre-licensed practitioner")
        }
    }

    func createStaffAccount(_ request: Tillit_Identity_V1_CreateStaffAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_CreateStaffAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "create staff accounts")
        let roles = try WireMapping.roles(request.roles)
        var staff = NewStaffInput(
            email: try Validation.email(request.email),
            displayName: try Validation.name(request.displayName, field: "display_name"), roles: roles)
        staff.discipline = try Validation.text(request.profile.discipline, field: "profile.discipline", max: 200)
        staff.languages = try Validation.languages(request.profile.languages, field: "profile.languages")
        staff.licence = try WireMapping.licence(request.profile.licenceStatus)
        staff.supervisor =
            request.profile.hasSupervisorID && !request.profile.supervisorID.value.isEmpty
            ? try Self.accountID(request.profile.supervisorID, field: "profile.supervisor_id") : nil
        try PasswordPolicy.validate(request.initialPassword)
        let password = try await hasher.hash(request.initialPassword)
        let at = store.nowMillis
        let account = try await store.write { [staff] db in
            _ = try activeAccount(db, caller)
            try validateStaffProfile(
                db, organization: caller.organization, account: nil, roles: roles, discipline: staff.discipline,
                licence: staff.licence, supervisor: staff.supervisor)
            let id = try store.insertStaff(
                db, organization: caller.organization, staff, password: password, grantedBy: caller.id, at: at)
            try audit(db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "account.create", subject: id,
                    detail: "staff; roles: \(roles.joined(separator: ","))"),
                requestID: caller.requestID)
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw IdentityError(.internalError, "account not stored") }
        var response = Tillit_Identity_V1_CreateStaffAccountResponse()
        response.account = account.proto
        return response
    }

    func createClientAccount(_ request: Tillit_Identity_V1_CreateClientAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_CreateClientAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isStaff(anyOf: ["admin", "scheduler", "practitioner"]), "create client accounts")
        let email = request.email.isEmpty ? nil : try Validation.email(request.email)
        let name = try Validation.name(request.displayName, field: "display_name")
        let timeZone = request.profile.timeZone.isEmpty ? "" : try Validation.timeZone(request.profile.timeZone, field: "profile.time_zone")
        let languages = try Validation.languages(request.profile.languages, field: "profile.languages")
        var password: PasswordHash?
        if !request.initialPassword.isEmpty {
            guard email != nil else {
                throw IdentityError.invalid("initial_password", "a client without an e-mail cannot sign in; omit the password")
            }
            try PasswordPolicy.validate(request.initialPassword)
            password = try await hasher.hash(request.initialPassword)
        }
        let at = store.nowMillis
        let account = try await store.write { [password] db in
            _ = try activeAccount(db, caller)
            let id = IdentityStore.newID()
            try store.insertAccount(
                db, id: id, organization: caller.organization, kind: "client", email: email, displayName: name, at: at)
            try db.execute(
                sql: "INSERT INTO client_profiles (account_id, organization_id, time_zone, languages) VALUES (?, ?, ?, ?)",
                arguments: [id, caller.organization, timeZone, WireMapping.json(languages)])
            if let password {
                try store.insertPassword(db, organization: caller.organization, account: id, password, at: at)
            }
            try audit(db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "account.create", subject: id, client: id, detail: "client"),
                requestID: caller.requestID)
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw IdentityError(.internalError, "account not stored") }
        var response = Tillit_Identity_V1_CreateClientAccountResponse()
        response.account = account.proto
        return response
    }

    func createServiceAccount(_ request: Tillit_Identity_V1_CreateServiceAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_CreateServiceAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "create service accounts")
        let name = try Validation.name(request.displayName, field: "display_name")
        let description = try Validation.text(request.profile.description_p, field: "profile.description", max: 1000)
        let secret = IdentityStore.newOpaqueToken()
        let at = store.nowMillis
        let account = try await store.write { db in
            _ = try activeAccount(db, caller)
            let id = IdentityStore.newID()
            try store.insertAccount(
                db, id: id, organization: caller.organization, kind: "service", email: nil, displayName: name, at: at)
            try db.execute(
                sql: """
                    INSERT INTO service_profiles (account_id, organization_id, description, secret_hash)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [id, caller.organization, description, IdentityStore.tokenHash(secret)])
            try audit(db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "account.create", subject: id, detail: "service: \(name)"),
                requestID: caller.requestID)
            return try AccountRecord.fetch(db, organization: caller.organization, id: id)
        }
        guard let account else { throw IdentityError(.internalError, "account not stored") }
        var response = Tillit_Identity_V1_CreateServiceAccountResponse()
        response.account = account.proto
        response.secret = secret
        return response
    }

    func updateAccount(_ request: Tillit_Identity_V1_UpdateAccountRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_UpdateAccountResponse
    {
        let caller = try Caller.current(context)
        let target = try Self.accountID(request.accountID)
        try caller.require(!caller.isService && (caller.isAdmin || target == caller.id), "change another account")
        let name = try request.hasDisplayName ? Validation.name(request.displayName.value, field: "display_name") : nil
        let email = try request.hasEmail ? Validation.email(request.email.value) : nil
        if email != nil { try caller.require(caller.isAdmin, "change an e-mail address") }
        let staffLanguages = try request.hasStaff ? Validation.languages(request.staff.languages, field: "staff.languages") : nil
        let discipline = try request.hasStaff ? Validation.text(request.staff.discipline, field: "staff.discipline", max: 200) : nil
        let licence = try request.hasStaff ? WireMapping.licence(request.staff.licenceStatus) : nil
        let supervisor =
            request.hasStaff && request.staff.hasSupervisorID && !request.staff.supervisorID.value.isEmpty
            ? try Self.accountID(request.staff.supervisorID, field: "staff.supervisor_id") : nil
        let clientTimeZone =
            request.hasClient && !request.client.timeZone.isEmpty
            ? try Validation.timeZone(request.client.timeZone, field: "client.time_zone") : ""
        let clientLanguages = try request.hasClient ? Validation.languages(request.client.languages, field: "client.languages") : nil
        let account = try await store.write { db in
            _ = try activeAccount(db, caller)
            guard let current = try AccountRecord.fetch(db, organization: caller.organization, id: target) else {
                throw IdentityError.notFound("account")
            }
            if request.hasStaff && !current.isStaff { throw IdentityError.invalid("staff", "the account is not staff") }
            if request.hasClient && !current.isClient { throw IdentityError.invalid("client", "the account is not a client") }
            if let email {
                if current.isService { throw IdentityError.invalid("email", "service accounts have no e-mail") }
                if try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE organization_id = ? AND email = ? AND id <> ?)",
                    arguments: [caller.organization, email, target]) == true
                {
                    throw IdentityError(.alreadyExists, "an account with this e-mail already exists")
                }
            }
            if request.hasStaff {
                if !caller.isAdmin
                    && (discipline != current.discipline || licence != current.licence || supervisor != current.supervisor)
                {
                    throw IdentityError.denied("not allowed to change discipline, licence status or supervisor (admins do)")
                }
                try validateStaffProfile(
                    db, organization: caller.organization, account: target, roles: current.roles,
                    discipline: discipline ?? "", licence: licence, supervisor: supervisor)
                try db.execute(
                    sql: """
                        UPDATE staff_profiles SET discipline = ?, languages = ?, licence_status = ?,
                            supervisor_account_id = ?
                        WHERE account_id = ?
                        """,
                    arguments: [discipline, WireMapping.json(staffLanguages ?? []), licence, supervisor, target])
            }
            if request.hasClient {
                try db.execute(
                    sql: "UPDATE client_profiles SET time_zone = ?, languages = ? WHERE account_id = ?",
                    arguments: [clientTimeZone, WireMapping.json(clientLanguages ?? []), target])
            }
            if name != nil || email != nil {
                try db.execute(
                    sql: "UPDATE accounts SET display_name = coalesce(?, display_name), email = coalesce(?, email) WHERE id = ?",
                    arguments: [name, email, target])
            }
            var fields: [String] = []
            if name != nil { fields.append("display_name") }
            if email != nil { fields.append("email") }
            if request.hasStaff { fields.append("staff") }
            if request.hasClient { fields.append("client") }
            try audit(db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "account.update", subject: target,
                    client: current.isClient ? target : nil, detail: fields.joined(separator: ",")),
                requestID: caller.requestID)
            return try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        guard let account else { throw IdentityError.notFound("account") }
        var response = Tillit_Identity_V1_UpdateAccountResponse()
        response.account = account.proto
        return response
    }

    /// FAILED_PRECONDITION unless the organisation still has an active admin.
    func requireActiveAdmin(_ db: Database, organization: String) throws {
        let admins = try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM account_roles r JOIN accounts a ON a.id = r.account_id
                WHERE r.organization_id = ? AND r.role = 'admin' AND a.status = 'active'
                """,
            arguments: [organization]) ?? 0
        guard admins > 0 else {
            throw IdentityError(.failedPrecondition, "an organisation must keep at least one active admin")
        }
    }

    /// FAILED_PRECONDITION while active pre-licensed practitioners name `account` as supervisor.
    func requireNoSupervisees(_ db: Database, account: String, what: String) throws {
        let count = try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM staff_profiles p JOIN accounts a ON a.id = p.account_id
                WHERE p.supervisor_account_id = ? AND a.status = 'active'
                """,
            arguments: [account]) ?? 0
        guard count == 0 else {
            throw IdentityError(
                .failedPrecondition, "\(what): \(count) pre-licensed practitioner(s) name this supervisor; reassign them first")
        }
    }

    func setRoles(_ request: Tillit_Identity_V1_SetRolesRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_SetRolesResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change roles")
        let target = try Self.accountID(request.accountID)
        let roles = try WireMapping.roles(request.roles)
        let at = store.nowMillis
        let account = try await store.write { db in
            _ = try activeAccount(db, caller)
            guard let current = try AccountRecord.fetch(db, organization: caller.organization, id: target) else {
                throw IdentityError.notFound("account")
            }
            guard current.isStaff else { throw IdentityError(.failedPrecondition, "only staff accounts hold roles") }
            if roles.contains("practitioner") && current.licence == nil {
                throw IdentityError(.failedPrecondition, "set the licence status (UpdateAccount) before the practitioner role")
            }
            if current.roles.contains("supervisor") && !roles.contains("supervisor") {
                try requireNoSupervisees(db, account: target, what: "cannot remove the supervisor role")
            }
            try db.execute(sql: "DELETE FROM account_roles WHERE account_id = ?", arguments: [target])
            for role in roles {
                try db.execute(
                    sql: """
                        INSERT INTO account_roles (organization_id, account_id, role, granted_at, granted_by)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [caller.organization, target, role, at, caller.id])
            }
            try requireActiveAdmin(db, organization: caller.organization)
            try audit(db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "roles.set", subject: target,
                    detail: "roles: \(roles.joined(separator: ",")) (was: \(current.roles.joined(separator: ",")))"),
                requestID: caller.requestID)
            return try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        guard let account else { throw IdentityError.notFound("account") }
        var response = Tillit_Identity_V1_SetRolesResponse()
        response.account = account.proto
        return response
    }

    func deactivateAccount(_ request: Tillit_Identity_V1_DeactivateAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_DeactivateAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "deactivate accounts")
        let target = try Self.accountID(request.accountID)
        guard target != caller.id else {
            throw IdentityError(.failedPrecondition, "an admin cannot deactivate their own account")
        }
        let reason = try Validation.text(request.reason, field: "reason", max: 1000)
        let at = store.nowMillis
        let account = try await store.write { db in
            _ = try activeAccount(db, caller)
            guard let current = try AccountRecord.fetch(db, organization: caller.organization, id: target) else {
                throw IdentityError.notFound("account")
            }
            if current.isActive {
                try requireNoSupervisees(db, account: target, what: "cannot deactivate a supervisor")
                try db.execute(
                    sql: """
                        UPDATE accounts SET status = 'deactivated', deactivated_at = ?, deactivation_reason = ?
                        WHERE id = ?
                        """,
                    arguments: [at, reason.isEmpty ? nil : reason, target])
                try requireActiveAdmin(db, organization: caller.organization)
                let sessions = try store.revokeSessions(db, account: target, at: at)
                try audit(db, organization: caller.organization,
                    AuditEntry(actor: caller.id, action: "account.deactivate", subject: target,
                        client: current.isClient ? target : nil, detail: "sessions revoked: \(sessions); \(reason)"),
                    requestID: caller.requestID)
            }
            return try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        guard let account else { throw IdentityError.notFound("account") }
        var response = Tillit_Identity_V1_DeactivateAccountResponse()
        response.account = account.proto
        return response
    }

    func getAccount(_ request: Tillit_Identity_V1_GetAccountRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_GetAccountResponse
    {
        let caller = try Caller.current(context)
        let target = try Self.accountID(request.accountID)
        let account = try await store.read { db in
            _ = try activeAccount(db, caller)
            return try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        guard let account else { throw IdentityError.notFound("account") }
        if caller.isClient && account.id != caller.id && !account.isStaff {
            // A client never learns about other clients (or service accounts): as if not there.
            throw IdentityError.notFound("account")
        }
        var response = Tillit_Identity_V1_GetAccountResponse()
        response.account = account.proto
        return response
    }

    func listAccounts(_ request: Tillit_Identity_V1_ListAccountsRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_ListAccountsResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isStaff || caller.isService, "list accounts")
        let page = try Paging(request.page)
        let kind = WireMapping.kind(request.kind)
        let role = request.role == .unspecified ? nil : try WireMapping.role(request.role)
        let (accounts, more) = try await store.read { db -> ([AccountRecord], Bool) in
            _ = try activeAccount(db, caller)
            var sql = AccountRecord.selection + " WHERE a.organization_id = ?"
            var arguments: StatementArguments = [caller.organization]
            if let kind {
                sql += " AND a.kind = ?"
                _ = arguments.append(contentsOf: [kind])
            }
            if let role {
                sql += " AND EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id AND r.role = ?)"
                _ = arguments.append(contentsOf: [role])
            }
            if !request.includeDeactivated { sql += " AND a.status = 'active'" }
            sql += " ORDER BY a.display_name COLLATE NOCASE, a.id LIMIT ? OFFSET ?"
            _ = arguments.append(contentsOf: [page.size + 1, page.offset])
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map(AccountRecord.init(row:))
            return (Array(rows.prefix(page.size)), rows.count > page.size)
        }
        var response = Tillit_Identity_V1_ListAccountsResponse()
        response.accounts = accounts.map(\.proto)
        response.page = page.response(hasMore: more)
        return response
    }

    func accountExists(_ request: Tillit_Identity_V1_AccountExistsRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_AccountExistsResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isStaff || caller.isService, "look up accounts")
        let target = try Self.accountID(request.accountID)
        let account = try await store.read { db in
            _ = try activeAccount(db, caller)
            return try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        var response = Tillit_Identity_V1_AccountExistsResponse()
        response.exists = account != nil
        response.kind = account.map { WireMapping.kind($0.kind) } ?? .unspecified
        return response
    }

    func isActive(_ request: Tillit_Identity_V1_IsActiveRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_IsActiveResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isStaff || caller.isService, "look up accounts")
        let target = try Self.accountID(request.accountID)
        let account = try await store.read { db in
            _ = try activeAccount(db, caller)
            return try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        guard let account else { throw IdentityError.notFound("account") }
        var response = Tillit_Identity_V1_IsActiveResponse()
        response.active = account.isActive
        response.kind = WireMapping.kind(account.kind)
        response.roles = account.roles.map(WireMapping.role)
        response.licenceStatus = WireMapping.licence(account.licence)
        return response
    }
}
