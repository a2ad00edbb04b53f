import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func createStaffAccount(_ request: Tillit_Identity_V1_CreateStaffAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_CreateStaffAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "create staff accounts")
        var staff = NewStaffInput(
            email: try Validation.email(request.email),
            displayName: try Validation.name(request.displayName, field: "display_name"),
            roles: try Role.roles(wire: request.roles))
        staff.discipline = try Validation.text(
            request.profile.discipline, field: "profile.discipline", max: 200)
        staff.languages = try Validation.languages(request.profile.languages, field: "profile.languages")
        staff.licence = try LicenceStatus.from(wire: request.profile.licenceStatus)
        staff.supervisor =
            request.profile.hasSupervisorID && !request.profile.supervisorID.value.isEmpty
            ? try Self.accountID(request.profile.supervisorID, field: "profile.supervisor_id") : nil
        try PasswordPolicy.validate(request.initialPassword)
        let password = try await hasher.hash(request.initialPassword)
        var response = Tillit_Identity_V1_CreateStaffAccountResponse()
        response.account = try await store.createStaffAccount(staff, password: password, by: caller).proto
        return response
    }

    func createClientAccount(_ request: Tillit_Identity_V1_CreateClientAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_CreateClientAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(
            caller.isStaff(anyOf: [.admin, .scheduler, .practitioner]), "create client accounts")
        let client = NewClientInput(
            email: request.email.isEmpty ? nil : try Validation.email(request.email),
            displayName: try Validation.name(request.displayName, field: "display_name"),
            timeZone: request.profile.timeZone.isEmpty
                ? "" : try Validation.timeZone(request.profile.timeZone, field: "profile.time_zone"),
            languages: try Validation.languages(request.profile.languages, field: "profile.languages"))
        var password: PasswordHash?
        if !request.initialPassword.isEmpty {
            guard client.email != nil else {
                throw ServiceError.invalid(
                    "initial_password", "a client without an e-mail cannot sign in; omit the password")
            }
            try PasswordPolicy.validate(request.initialPassword)
            password = try await hasher.hash(request.initialPassword)
        }
        var response = Tillit_Identity_V1_CreateClientAccountResponse()
        response.account = try await store.createClientAccount(client, password: password, by: caller).proto
        return response
    }

    func createServiceAccount(
        _ request: Tillit_Identity_V1_CreateServiceAccountRequest, context: ServerContext
    )
        async throws -> Tillit_Identity_V1_CreateServiceAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "create service accounts")
        let name = try Validation.name(request.displayName, field: "display_name")
        let description = try Validation.text(
            request.profile.description_p, field: "profile.description", max: 1000)
        let secret = IdentityStore.newOpaqueToken()
        var response = Tillit_Identity_V1_CreateServiceAccountResponse()
        response.account = try await store.createServiceAccount(
            displayName: name, description: description, secret: secret, by: caller
        ).proto
        response.secret = secret
        return response
    }

    func updateAccount(_ request: Tillit_Identity_V1_UpdateAccountRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_UpdateAccountResponse
    {
        let caller = try Caller.current(context)
        let target = try Self.accountID(request.accountID)
        try caller.require(
            !caller.isService && (caller.isAdmin || target == caller.id), "change another account")
        var update = AccountUpdate()
        update.displayName =
            try request.hasDisplayName
            ? Validation.name(request.displayName.value, field: "display_name") : nil
        update.email = try request.hasEmail ? Validation.email(request.email.value) : nil
        if update.email != nil { try caller.require(caller.isAdmin, "change an e-mail address") }
        if request.hasStaff {
            let languages = try Validation.languages(request.staff.languages, field: "staff.languages")
            update.staff = AccountUpdate.Staff(
                discipline: try Validation.text(
                    request.staff.discipline, field: "staff.discipline", max: 200),
                languages: languages,
                licence: try LicenceStatus.from(wire: request.staff.licenceStatus),
                supervisor: request.staff.hasSupervisorID && !request.staff.supervisorID.value.isEmpty
                    ? try Self.accountID(request.staff.supervisorID, field: "staff.supervisor_id") : nil)
        }
        if request.hasClient {
            update.client = AccountUpdate.Client(
                timeZone: request.client.timeZone.isEmpty
                    ? "" : try Validation.timeZone(request.client.timeZone, field: "client.time_zone"),
                languages: try Validation.languages(request.client.languages, field: "client.languages"))
        }
        var response = Tillit_Identity_V1_UpdateAccountResponse()
        response.account = try await store.updateAccount(target, update, by: caller).proto
        return response
    }

    func setRoles(_ request: Tillit_Identity_V1_SetRolesRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_SetRolesResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change roles")
        let target = try Self.accountID(request.accountID)
        // Nobody changes their own roles: a demoted admin cannot grant themself admin again,
        // and an admin cannot quietly add roles to their own account.
        try caller.require(target != caller.id, "change your own roles (another admin does)")
        let roles = try Role.roles(wire: request.roles)
        var response = Tillit_Identity_V1_SetRolesResponse()
        response.account = try await store.setRoles(roles, of: target, by: caller).proto
        return response
    }

    func deactivateAccount(_ request: Tillit_Identity_V1_DeactivateAccountRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_DeactivateAccountResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "deactivate accounts")
        let target = try Self.accountID(request.accountID)
        guard target != caller.id else {
            throw ServiceError(.failedPrecondition, "an admin cannot deactivate their own account")
        }
        let reason = try Validation.text(request.reason, field: "reason", max: 1000)
        var response = Tillit_Identity_V1_DeactivateAccountResponse()
        response.account = try await store.deactivateAccount(target, reason: reason, by: caller).proto
        return response
    }

    func getAccount(_ request: Tillit_Identity_V1_GetAccountRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_GetAccountResponse
    {
        let caller = try Caller.current(context)
        let target = try Self.accountID(request.accountID)
        guard let account = try await store.account(target, for: caller) else {
            throw ServiceError.notFound("account")
        }
        if caller.isClient && account.id != caller.id && !account.isStaff {
            // A client never learns about other clients (or service accounts): as if not there.
            throw ServiceError.notFound("account")
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
        let page = try Page(request.page, maximum: 500)
        let filter = AccountFilter(
            kind: AccountKind(wire: request.kind),
            role: request.role == .unspecified ? nil : try Role(wire: request.role),
            includeDeactivated: request.includeDeactivated)
        let rows = try await store.accounts(matching: filter, page: page, for: caller)
        let (accounts, next) = page.split(rows, key: \.pageKey.token)
        var response = Tillit_Identity_V1_ListAccountsResponse()
        response.accounts = accounts.map(\.proto)
        response.page = next
        return response
    }

    func accountExists(_ request: Tillit_Identity_V1_AccountExistsRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_AccountExistsResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isStaff || caller.isService, "look up accounts")
        let target = try Self.accountID(request.accountID)
        let account = try await store.account(target, for: caller)
        var response = Tillit_Identity_V1_AccountExistsResponse()
        response.exists = account != nil
        response.kind = account?.kind.wire ?? .unspecified
        return response
    }

    func isActive(_ request: Tillit_Identity_V1_IsActiveRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_IsActiveResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isStaff || caller.isService, "look up accounts")
        let target = try Self.accountID(request.accountID)
        guard let account = try await store.account(target, for: caller) else {
            throw ServiceError.notFound("account")
        }
        var response = Tillit_Identity_V1_IsActiveResponse()
        response.active = account.isActive
        response.kind = account.kind.wire
        response.roles = account.roles.map(\.wire)
        response.licenceStatus = account.licence?.wire ?? .unspecified
        return response
    }
}
