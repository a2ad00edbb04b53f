import Foundation
import GRDB
import Logging
import TillitStorage

/// Identity's transactions over its database, in the style of GRDB's `AppDatabase`: the
/// extensions `IdentityStore+<Concern>.swift` hold one method per intention (`setRoles(_:of:by:)`,
/// `recordConsent(_:as:by:)`, …), each one transaction with all its SQL and its audit event,
/// taking and returning domain values (records, never protos). Every method takes the
/// organisation from the caller (never from a request) and returns nothing of another
/// organisation. `write`, `read` and the helpers taking a `Database` are for these extensions.
struct IdentityStore: Sendable {
    /// The database.
    let database: IdentityDatabase
    /// The clock (tests move it).
    let now: @Sendable () -> Date

    /// Now, in milliseconds since the epoch.
    var nowMillis: Int64 { WireMapping.millis(now()) }

    /// Runs `body` in one write transaction; database errors become `IdentityError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.writer.write(body)
        } catch let error as IdentityError {
            throw error
        } catch {
            throw Self.map(error)
        }
    }

    /// Runs `body` on a snapshot; database errors become `IdentityError`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.reader.read(body)
        } catch let error as IdentityError {
            throw error
        } catch {
            throw Self.map(error)
        }
    }

    /// Runs `body`, which must consist of ONE statement, outside a transaction: a single SQLite
    /// statement reads one consistent snapshot by itself, and skipping BEGIN/COMMIT halves the
    /// cost of the hottest reads (CheckConsent).
    func readOneStatement<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.database.reader.unsafeRead(body)
        } catch let error as IdentityError {
            throw error
        } catch {
            throw Self.map(error)
        }
    }

    /// A constraint the handlers did not foresee is still the caller's problem (FAILED_PRECONDITION,
    /// no SQL in the message); anything else is INTERNAL.
    static func map(_ error: any Error) -> IdentityError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_CONSTRAINT:
                return IdentityError(
                    .failedPrecondition, "the change conflicts with stored data", cause: error)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return IdentityError(.internalError, "the database is busy", cause: error)
            default:
                break
            }
        }
        if error is CancellationError {
            return IdentityError(.internalError, "cancelled", cause: error)
        }
        return IdentityError(.internalError, "internal error", cause: error)
    }

    /// A new lower-case UUID.
    static func newID() -> String {
        UUID().uuidString.lowercased()
    }
}
