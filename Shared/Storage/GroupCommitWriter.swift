import GRDB
import Synchronization

/// Group commit: concurrent writes that arrive while a transaction is committing are gathered
/// and committed together in the next one, each inside its own savepoint.
///
/// With `synchronous=FULL` every commit waits for the disk (an fsync), so one transaction per
/// call caps a service at the disk's commit rate. Here a write still runs in a transaction of
/// its own logically — a write that throws rolls back only its savepoint, the others of the
/// batch commit — and its caller is answered only after the batch's COMMIT returned, so every
/// acknowledged write is durable. A failed COMMIT fails every write of the batch.
///
/// Writes of one batch see each other's effects in order (the second booking of a slot sees
/// the first), exactly as if they ran one after another.
public final class GroupCommitWriter: Sendable {
    /// One queued write: `run` executes it in its savepoint and answers how to finish once
    /// the commit's outcome is known; `fail` answers it when the transaction did not commit.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var running = false
    }

    private let writer: any DatabaseWriter
    private let maximumBatch: Int
    private let state = Mutex(State())

    /// A writer on `writer` committing at most `maximumBatch` writes per transaction.
    public init(writer: any DatabaseWriter, maximumBatch: Int = 256) {
        precondition(maximumBatch >= 1)
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    /// Writes waiting for the next transaction (not those of the one committing now).
    public var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Runs `body` inside a savepoint of the next group transaction and returns its result once
    /// that transaction has committed. What `body` throws rolls back its own savepoint and is
    /// rethrown here; a failed commit is rethrown to every write of the batch.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await write(inSavepoint: true, body)
    }

    /// Like `write`, for a `body` whose only change to the database is its last statement (an
    /// audited read: its reads, then the one INSERT of its audit event, the triggers' effects
    /// included). SQLite undoes a statement that fails by itself, so such a body needs no
    /// savepoint of its own, and runs without one (two statements less in the serial section).
    /// What it throws after its change would keep the change: a body that can throw there must
    /// use `write`.
    public func writeWithOneChange<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T)
        async throws -> T
    {
        try await write(inSavepoint: false, body)
    }

    private func write<T: Sendable>(inSavepoint: Bool, _ body: @escaping @Sendable (Database) throws -> T)
        async throws -> T
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    let outcome = Result {
                        guard inSavepoint else { return try body(db) }
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        return value!
                    }
                    return { continuation.resume(with: outcome) }
                },
                fail: { continuation.resume(throwing: $0) })
            let start = state.withLock { state -> Bool in
                state.pending.append(job)
                if state.running { return false }
                state.running = true
                return true
            }
            if start { commitNextBatch() }
        }
    }

    /// Commits the pending writes (at most `maximumBatch`) in one transaction, answers them from
    /// the writer's queue once it committed, then goes on with what arrived meanwhile, without
    /// leaving the queue; stops when nothing is pending.
    private func commitNextBatch() {
        let batch = state.withLock { state -> [Job] in
            let taken = Array(state.pending.prefix(maximumBatch))
            state.pending.removeFirst(taken.count)
            if taken.isEmpty { state.running = false }
            return taken
        }
        if batch.isEmpty { return }
        let started = ContinuousClock.now
        writer.asyncWrite(
            { db in batch.map { $0.run(db) } },
            completion: { _, result in
                WriteTimer.record(.group, since: started)
                switch result {
                case .success(let finishers):
                    for finish in finishers { finish() }
                case .failure(let error):
                    // The transaction did not commit: every write of it failed.
                    for job in batch { job.fail(error) }
                }
                self.commitNextBatch()
            })
    }
}
