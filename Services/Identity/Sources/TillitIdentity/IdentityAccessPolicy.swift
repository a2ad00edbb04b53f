import TillitContracts
import TillitServiceKit

/// Who may call each Identity method at all — the table of docs/identity.md's authorisation
/// matrix at the level of account kinds and roles. Enforced for every call before the handler
/// runs; the handlers then apply the finer rules ("self" cells, other organisations' ids,
/// the last admin) from stored facts. The matrix test iterates this table.
public enum IdentityAccessPolicy {
    private typealias M = Tillit_Identity_V1_Identity.Method

    /// The table; the `@public` rpcs of identity.proto are exactly its `.anyone` rules.
    public static let policy = AccessPolicy([
        M.bootstrap: .anyone,
        M.login: .anyone,
        M.loginService: .anyone,
        M.refresh: .anyone,
        M.logout: .anyone,
        M.getSigningKeys: .anyone,
        M.listRevokedSessions: .anyone,
        M.revokeSessions: .staff() | .clients,
        M.enrolTotp: (.staff() | .clients).allowing(.totpEnrolment),
        M.confirmTotp: (.staff() | .clients).allowing(.totpEnrolment),
        M.changePassword: .staff() | .clients,
        M.setPassword: .staff(.admin),
        M.resetTotp: .staff(.admin),
        M.getOrganization: .anyAccount,
        M.updateOrganization: .staff(.admin),
        M.addLocation: .staff(.admin),
        M.updateLocation: .staff(.admin),
        M.deactivateLocation: .staff(.admin),
        M.createStaffAccount: .staff(.admin),
        M.createClientAccount: .staff(.admin, .scheduler, .practitioner),
        M.createServiceAccount: .staff(.admin),
        M.updateAccount: .staff() | .clients,
        M.setRoles: .staff(.admin),
        M.deactivateAccount: .staff(.admin),
        M.getAccount: .anyAccount,
        M.listAccounts: .staff() | .services,
        M.accountExists: .staff() | .services,
        M.isActive: .staff() | .services,
        M.recordConsent: .staff(.admin, .practitioner) | .clients | .services,
        M.revokeConsent: .staff(.admin, .practitioner) | .clients | .services,
        M.listConsents: .staff(.admin, .practitioner, .supervisor) | .clients | .services,
        M.checkConsent: .anyAccount,
        M.getContactPolicy: .anyAccount,
        M.setContactPolicy: .staff(.admin),
        M.listAuditEvents: .staff(.admin) | .clients,
        M.verifyAuditChain: .staff(.admin),
        M.getAuditCheckpoint: .staff(.admin),
    ])
}
