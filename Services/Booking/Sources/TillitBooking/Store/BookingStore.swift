import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// Booking's transactions over its database, in the style of GRDB's `AppDatabase`: the
/// extensions `BookingStore+<Concern>.swift` hold one method per intention, each one
/// transaction with all its SQL and its audit event, taking and returning domain values
/// (records, never protos). Every method takes the organisation from the caller and returns
/// nothing of another organisation.
struct BookingStore: AuditChainStore {
    /// The database.
    let database: BookingDatabase
    /// The organisation audit chains.
    let audit: AuditTrail
    /// The clock (tests move it).
    let now: @Sendable () -> Date
    /// How long a freed slot stays offered to a waitlist entry.
    var waitlistOfferMillis: Int64 = 2 * 3_600_000

    /// The database of the audit chain (`AuditChainStore`).
    var auditDatabase: ServiceDatabase { database.database }

    /// Now, in milliseconds since the epoch.
    var nowMillis: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// One write transaction; errors as `ServiceError` (`ServiceDatabase.write`), trigger
    /// refusals as FAILED_PRECONDITION with their reason (`BookingStore.refusal`).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.database.writer.write(body)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// A write committed together with the others waiting (`GroupCommitWriter`); errors as in
    /// `write`.
    func groupWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.groupCommit.write(body)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// A snapshot read; errors as in `write`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.database.read(body)
    }

    /// The caller-facing error for what a transaction threw: the schema's own refusals
    /// (`RAISE(ABORT, 'booking: …')`) as FAILED_PRECONDITION saying what conflicts, the rest as
    /// `ServiceError.fromStorage`.
    static func refusal(_ error: any Error) -> ServiceError {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT,
            let message = error.message, message.hasPrefix("booking: ")
        {
            let reason = String(message.dropFirst("booking: ".count))
            let text =
                switch reason {
                case "practitioner overlap":
                    "the practitioner is not free then (another appointment or its buffer overlaps)"
                case "client overlap": "the client has another appointment then"
                case "group full": "the group session is full"
                default: reason
                }
            return ServiceError(.failedPrecondition, text, cause: error)
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
