import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// UNAUTHENTICATED unless the caller's own account is still active (a deactivated account's
    /// access token stops working at once in Identity, not only when it expires). One indexed
    /// lookup through a cached statement.
    func requireActiveCaller(_ db: Database, _ caller: Caller) throws {
        let statement = try db.cachedStatement(
            sql: "SELECT status = 'active' FROM accounts WHERE organization_id = ? AND id = ?")
        guard try Bool.fetchOne(statement, arguments: [caller.organization, caller.id]) == true else {
            throw ServiceError.callerInactive
        }
    }

    /// The caller's own account, which must still be active (UNAUTHENTICATED otherwise).
    func activeAccount(_ db: Database, _ caller: Caller) throws -> AccountRecord {
        guard let account = try AccountRecord.fetch(db, organization: caller.organization, id: caller.id),
            account.isActive
        else {
            throw ServiceError.callerInactive
        }
        return account
    }
}
