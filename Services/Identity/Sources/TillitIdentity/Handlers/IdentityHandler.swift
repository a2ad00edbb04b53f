import Foundation
import GRDB
import Logging
import TillitContracts
import TillitRPC
import TillitServiceKit

/// The Identity service's handlers: authorisation and validation here, transactions in
/// `IdentityStore`, tokens from `TokenIssuer`. The methods are grouped by concern in
/// `IdentityHandler+*.swift`; the authorisation matrix is in docs/identity.md.
struct IdentityHandler: Tillit_Identity_V1_IdentityService {
    let store: IdentityStore
    let configuration: IdentityConfiguration
    let hasher: PasswordHasher
    let issuer: TokenIssuer
    let keys: SigningKeyRing
    let secrets: SecretBox

    /// The wire paths callable without an access token.
    static let publicMethods: Set<String> = [
        Tillit_Identity_V1_Identity.Method.bootstrap.path,
        Tillit_Identity_V1_Identity.Method.login.path,
        Tillit_Identity_V1_Identity.Method.loginService.path,
        Tillit_Identity_V1_Identity.Method.refresh.path,
        Tillit_Identity_V1_Identity.Method.logout.path,
        Tillit_Identity_V1_Identity.Method.getSigningKeys.path,
    ]

    /// Appends an audit event in the current transaction.
    func audit(_ db: Database, organization: String, _ entry: AuditEntry, requestID: String) throws {
        try AuditChain.append(
            entry, organization: organization, at: store.nowMillis, requestID: requestID, db: db)
    }

    /// UNAUTHENTICATED unless the caller's own account is still active (a deactivated account's
    /// access token stops working at once in Identity, not only when it expires). One indexed
    /// lookup through a cached statement.
    func requireActiveCaller(_ db: Database, _ caller: Caller) throws {
        let statement = try db.cachedStatement(
            sql: "SELECT status = 'active' FROM accounts WHERE organization_id = ? AND id = ?")
        guard try Bool.fetchOne(statement, arguments: [caller.organization, caller.id]) == true else {
            throw IdentityError.callerInactive
        }
    }

    /// The caller's own account, which must still be active.
    func activeAccount(_ db: Database, _ caller: Caller) throws -> AccountRecord {
        guard let account = try AccountRecord.fetch(db, organization: caller.organization, id: caller.id),
            account.isActive
        else {
            throw IdentityError.callerInactive
        }
        return account
    }

    /// An account id from a request: INVALID_ARGUMENT if malformed.
    static func accountID(_ id: Tillit_Common_V1_AccountId, field: String = "account_id") throws -> String {
        try Validation.id(id.value, field: field)
    }

    /// Whether TOTP is mandatory for an account with these roles.
    static func requiresTotp(_ roles: [String]) -> Bool {
        roles.contains("admin") || roles.contains("supervisor")
    }
}
