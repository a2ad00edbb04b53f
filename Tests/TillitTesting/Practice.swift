import Foundation
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit

/// A practice set up through the API: one account of every kind and role, each signed in, and
/// an admin of a second organisation. Every staff account holds exactly one role, so each column
/// of the authorisation matrix is tried on its own (roles of one account add up).
public struct Practice: Sendable {
    /// Who calls, for the authorisation matrix.
    public enum Role: String, CaseIterable, Sendable {
        /// Each caller of the matrix.
        case anonymous, client, admin, scheduler, practitioner, supervisor, service, otherAdmin
    }

    /// The practice.
    public let organization: String
    /// The second organisation (its admin is `otherAdmin`).
    public let otherOrganization: String
    /// Account ids by role (anonymous has none).
    public let ids: [Role: String]
    /// Access tokens by role (anonymous has none).
    public let tokens: [Role: String]
    /// A second client of the organisation (never the caller).
    public let otherClient: String
    /// A client of the other organisation.
    public let foreignClient: String
    /// The service account's secret.
    public let serviceSecret: String
    /// TOTP secrets (admin, supervisor).
    public let totpSecrets: [Role: String]

    /// Call options for `role` (no token for anonymous); `onBehalfOf` names an account by id
    /// alone (which Identity refuses).
    public func options(_ role: Role, onBehalfOf: String? = nil) -> CallOptions {
        guard let token = tokens[role] else { return CallOptions() }
        return IdentityHarness.auth(token, onBehalfOf: onBehalfOf)
    }

    /// Call options for `role` acting for `user`: names them and relays their access token.
    public func options(_ role: Role, actingFor user: Role) -> CallOptions {
        guard let token = tokens[role] else { return CallOptions() }
        return bearer(token, onBehalfOf: id(user), relaying: tokens[user])
    }

    /// The account id of `role` (empty for anonymous).
    public func id(_ role: Role) -> String { ids[role] ?? "" }

    /// Builds the practice on `harness`.
    public static func make(_ harness: IdentityHarness) async throws -> Practice {
        let identity = harness.identity
        let boot = try await harness.bootstrap()
        let organization = boot.organization.id.value
        let (adminLogin, adminTotp) = try await harness.signIn(
            organization: organization, email: "admin@stigen.se")
        let admin = IdentityHarness.auth(adminLogin.tokens.accessToken)
        // The matrix signs staff in with a password alone: the practice turns off "TOTP for all
        // staff" (on by default; admins and supervisors still must have it).
        var relax = Tillit_Identity_V1_UpdateOrganizationRequest()
        relax.staffTotpRequired.value = false
        _ = try await identity.updateOrganization(relax, options: admin)

        func staff(
            _ email: String, _ roles: [Tillit_Identity_V1_Role],
            licence: Tillit_Identity_V1_LicenceStatus = .unspecified
        )
            async throws -> String
        {
            var request = Tillit_Identity_V1_CreateStaffAccountRequest()
            request.email = email
            request.displayName = email
            request.roles = roles
            request.profile.licenceStatus = licence
            request.profile.discipline = "psychotherapist"
            request.initialPassword = IdentityHarness.password
            return try await identity.createStaffAccount(request, options: admin).account.id.value
        }
        func client(_ email: String, options: CallOptions) async throws -> String {
            var request = Tillit_Identity_V1_CreateClientAccountRequest()
            request.email = email
            request.displayName = email
            request.initialPassword = IdentityHarness.password
            return try await identity.createClientAccount(request, options: options).account.id.value
        }
        let schedulerID = try await staff("scheduler@stigen.se", [.scheduler])
        let practitionerID = try await staff("practitioner@stigen.se", [.practitioner], licence: .licensed)
        let supervisorID = try await staff("supervisor@stigen.se", [.supervisor], licence: .licensed)
        let clientID = try await client("client@example.com", options: admin)
        let otherClient = try await client("other.client@example.com", options: admin)
        var serviceRequest = Tillit_Identity_V1_CreateServiceAccountRequest()
        serviceRequest.displayName = "Booking"
        let service = try await identity.createServiceAccount(serviceRequest, options: admin)

        let scheduler = try await harness.signIn(organization: organization, email: "scheduler@stigen.se")
            .login
        let practitioner = try await harness.signIn(
            organization: organization, email: "practitioner@stigen.se"
        ).login
        let (supervisor, supervisorTotp) = try await harness.signIn(
            organization: organization, email: "supervisor@stigen.se")
        let clientLogin = try await harness.signIn(organization: organization, email: "client@example.com")
            .login
        var serviceLogin = Tillit_Identity_V1_LoginServiceRequest()
        serviceLogin.organizationID.value = organization
        serviceLogin.accountID = service.account.id
        serviceLogin.secret = service.secret
        let serviceTokens = try await identity.loginService(serviceLogin).tokens

        let other = try await harness.bootstrap(
            name: "Annan Praktik", adminEmail: "admin@annan.se", secret: true)
        let otherOrganization = other.organization.id.value
        let (otherAdmin, _) = try await harness.signIn(
            organization: otherOrganization, email: "admin@annan.se")
        let foreignClient = try await client(
            "foreign@example.com", options: IdentityHarness.auth(otherAdmin.tokens.accessToken))

        return Practice(
            organization: organization, otherOrganization: otherOrganization,
            ids: [
                .client: clientID, .admin: boot.admin.id.value, .scheduler: schedulerID,
                .practitioner: practitionerID,
                .supervisor: supervisorID, .service: service.account.id.value,
                .otherAdmin: other.admin.id.value,
            ],
            tokens: [
                .client: clientLogin.tokens.accessToken, .admin: adminLogin.tokens.accessToken,
                .scheduler: scheduler.tokens.accessToken, .practitioner: practitioner.tokens.accessToken,
                .supervisor: supervisor.tokens.accessToken, .service: serviceTokens.accessToken,
                .otherAdmin: otherAdmin.tokens.accessToken,
            ],
            otherClient: otherClient, foreignClient: foreignClient, serviceSecret: service.secret,
            totpSecrets: [.admin: adminTotp ?? "", .supervisor: supervisorTotp ?? ""])
    }
}
