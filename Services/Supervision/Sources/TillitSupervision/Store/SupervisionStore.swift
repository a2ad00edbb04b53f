import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// Supervision's transactions, in the style of GRDB's `AppDatabase`: the extensions
/// `SupervisionStore+<Concern>.swift` hold one method per intention, each one transaction with
/// its SQL and its audit event, taking and returning records. Every method takes the
/// organisation from the caller.
struct SupervisionStore: AuditChainStore {
    /// The database.
    let database: SupervisionDatabase
    /// The organisation audit chains.
    let audit: AuditTrail
    /// The clock (tests move it).
    let now: @Sendable () -> Date

    /// The database of the audit chain (`AuditChainStore`).
    var auditDatabase: ServiceDatabase { database.database }

    /// Now, in milliseconds since the epoch.
    var nowMillis: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A write committed together with the others waiting; the schema's refusals
    /// (`RAISE(ABORT, 'supervision: …')`) as FAILED_PRECONDITION.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.groupCommit.write(body)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// A snapshot read.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.database.read(body)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// The caller-facing error for what a transaction threw.
    static func refusal(_ error: any Error) -> ServiceError {
        if let error = error as? ServiceError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT,
            let message = error.message, message.hasPrefix("supervision: ")
        {
            return ServiceError(.failedPrecondition, String(message.dropFirst("supervision: ".count)), cause: error)
        }
        if let error = error as? DatabaseError, error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return ServiceError(.alreadyExists, "it exists already", cause: error)
        }
        return ServiceError.fromStorage(error)
    }

    /// Appends `event` to the caller's organisation's chain in the current transaction.
    func audit(_ db: Database, _ event: AuditEvent, by caller: Caller) throws {
        try audit.append(event, by: AuditActor(caller), at: nowMillis, db: db)
    }

    /// A new lower-case UUID.
    static func newID() -> String {
        UUID().uuidString.lowercased()
    }
}
