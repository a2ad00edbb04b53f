import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// Notes' transactions over its database, in the style of GRDB's `AppDatabase`: the extensions
/// `NotesStore+<Concern>.swift` hold one method per intention, each one transaction with all its
/// SQL and its audit event, taking and returning records (ciphertext in, ciphertext out: the
/// store never sees a key but the rewrap's). Every method takes the organisation from the caller
/// and returns nothing of another organisation. Audited reads are writes (their audit event
/// commits with them), so they go through the group-commit writer too.
struct NotesStore: AuditChainStore {
    /// The database.
    let database: NotesDatabase
    /// The organisation audit chains.
    let audit: AuditTrail
    /// The clock (tests move it).
    let now: @Sendable () -> Date

    /// The database of the audit chain (`AuditChainStore`).
    var auditDatabase: ServiceDatabase { database.database }

    /// Now, in milliseconds since the epoch.
    var nowMillis: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A write committed together with the others waiting (`GroupCommitWriter`); trigger
    /// refusals as FAILED_PRECONDITION with their reason.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await refusing { try await database.groupCommit.write(body) }
    }

    /// `write` for a body whose only change is its last statement (an audited read: its audit
    /// event's INSERT), without a savepoint of its own (`GroupCommitWriter.writeWithOneChange`).
    func auditedRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await refusing { try await database.groupCommit.writeWithOneChange(body) }
    }

    /// `operation`, with what it throws as `refusal(_:)` answers it.
    private func refusing<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch {
            throw Self.refusal(error)
        }
    }

    /// A snapshot read.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.database.read(body)
    }

    /// The caller-facing error for what a transaction threw: the schema's own refusals
    /// (`RAISE(ABORT, 'notes: …')`) as FAILED_PRECONDITION, the rest as
    /// `ServiceError.fromStorage`.
    static func refusal(_ error: any Error) -> ServiceError {
        if let error = error as? ServiceError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT,
            let message = error.message, message.hasPrefix("notes: ")
        {
            return ServiceError(.failedPrecondition, String(message.dropFirst("notes: ".count)), cause: error)
        }
        if let error = error as? NotesStoreError {
            return ServiceError(.internalError, error.description, cause: error)
        }
        return ServiceError.fromStorage(error)
    }

    /// Appends `event` to the caller's organisation's chain in the current transaction.
    func audit(_ db: Database, _ event: AuditEvent, by caller: Caller) throws {
        try audit.append(event, by: AuditActor(caller), at: nowMillis, db: db)
    }

    /// The audit event of `action` on `note`: about the client, except for process notes,
    /// whose events name no client (they never show in a client's access log, not even as a
    /// count).
    static func event(
        _ action: String, _ note: NoteRecord, outcome: AuditEvent.Outcome = .success, detail: String = ""
    ) -> AuditEvent {
        AuditEvent(
            "notes.\(action)", outcome: outcome, subject: note.id,
            client: note.kind.isRecord ? note.clientID : nil,
            detail: note.kind.isRecord ? detail : "process note" + (detail.isEmpty ? "" : "; \(detail)"))
    }

    /// A new lower-case UUID.
    static func newID() -> String {
        UUID().uuidString.lowercased()
    }
}
