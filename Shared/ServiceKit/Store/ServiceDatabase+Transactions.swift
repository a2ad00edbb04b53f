import GRDB
import TillitStorage

extension ServiceDatabase {
    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`); whatever it throws reaches the
    /// caller as a `ServiceError` (`ServiceError.fromStorage`).
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await WriteTimer.timed(.single) { try await writer.write(body) }
        } catch {
            throw ServiceError.fromStorage(error)
        }
    }

    /// Runs `body` on a consistent snapshot; errors as in `write`.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await reader.read(body)
        } catch {
            throw ServiceError.fromStorage(error)
        }
    }

    /// Runs `body`, which must consist of ONE statement, outside a transaction: a single SQLite
    /// statement reads one consistent snapshot by itself, and skipping BEGIN/COMMIT halves the
    /// cost of the hottest reads.
    public func readOneStatement<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws
        -> T
    {
        do {
            return try await reader.unsafeRead(body)
        } catch {
            throw ServiceError.fromStorage(error)
        }
    }
}
