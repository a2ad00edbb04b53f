import Foundation
import GRDB
import Logging
import TillitServiceKit
import TillitStorage

/// Identity's transactions over its database, in the style of GRDB's `AppDatabase`: the
/// extensions `IdentityStore+<Concern>.swift` hold one method per intention (`setRoles(_:of:by:)`,
/// `recordConsent(_:as:by:)`, …), each one transaction with all its SQL and its audit event,
/// taking and returning domain values (records, never protos). Every method takes the
/// organisation from the caller (never from a request) and returns nothing of another
/// organisation. `write`, `read` and the helpers taking a `Database` are for these extensions.
struct IdentityStore: AuditReading {
    /// The database.
    let database: IdentityDatabase
    /// The organisation audit chains, sealed with the configured keys.
    let audit: AuditTrail
    /// The clock (tests move it).
    let now: @Sendable () -> Date
    /// The sessions that ended, as Identity's own verifier sees them: each revocation is added
    /// when its transaction commits (`recordRevokedSession`), so Identity refuses the session's
    /// access tokens at once.
    let revokedSessions: RevokedSessions

    /// A store over `database`.
    init(
        database: IdentityDatabase, audit: AuditTrail, now: @escaping @Sendable () -> Date,
        revokedSessions: RevokedSessions
    ) {
        self.database = database
        self.audit = audit
        self.now = now
        self.revokedSessions = revokedSessions
    }

    /// Now, in milliseconds since the epoch.
    var nowMillis: Int64 { WireMapping.millis(now()) }

    /// Runs `body` in one write transaction; errors reach the caller as `ServiceError`
    /// (`ServiceDatabase.write`: busy → UNAVAILABLE, cancelled → CANCELLED, constraint →
    /// FAILED_PRECONDITION).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.database.write(body)
    }

    /// Runs `body` on a snapshot; errors as in `write`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.database.read(body)
    }

    /// Runs `body`, which must consist of ONE statement, outside a transaction (the hottest
    /// read, CheckConsent); errors as in `write`.
    func readOneStatement<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.database.readOneStatement(body)
    }

    /// A new lower-case UUID.
    static func newID() -> String {
        UUID().uuidString.lowercased()
    }
}
