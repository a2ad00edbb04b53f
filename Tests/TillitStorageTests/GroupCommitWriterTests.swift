import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

/// Group commit on a real SQLite file: writes arriving while a transaction commits are
/// committed together, each in its own savepoint, and answered only after the commit.
@Suite(.timeLimit(.minutes(1)))
struct GroupCommitWriterTests {
    /// Counts the commits of a connection.
    private final class CommitCounter: TransactionObserver, @unchecked Sendable {
        let commits = Locked(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    private struct Refused: Error, Equatable {}

    /// Runs `body` with a group-commit writer over a fresh file and a commit counter on its
    /// connection.
    private func withGroupCommit(
        _ body: (GroupCommitWriter, CommitCounter, ServiceDatabase) async throws -> Void
    ) async throws {
        try await withTestDatabase(migrations: Fixtures.schema) { database in
            let counter = CommitCounter()
            try await database.writer.write { db in
                db.add(transactionObserver: counter, extent: .databaseLifetime)
            }
            try await body(GroupCommitWriter(writer: database.writer), counter, database)
        }
    }

    /// Starts a write that holds the writer until the returned gate opens; answers once it runs.
    private func hold(_ writer: GroupCommitWriter) async -> (
        gate: DispatchSemaphore, done: Task<Void, any Error>
    ) {
        let gate = DispatchSemaphore(value: 0)
        let running = DispatchSemaphore(value: 0)
        let done = Task {
            try await writer.write { db in
                running.signal()
                gate.wait()
                try db.execute(sql: "INSERT INTO clients (email) VALUES ('first@example.org')")
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                running.wait()
                continuation.resume()
            }
        }
        return (gate, done)
    }

    /// Waits until `count` writes are queued behind the one committing.
    private func waitUntilPending(_ writer: GroupCommitWriter, _ count: Int) async throws {
        while writer.pendingCount < count { try await Task.sleep(for: .milliseconds(1)) }
    }

    /// Starts `body` as a write and waits until it is queued behind those before it.
    private func queue<T: Sendable>(
        _ writer: GroupCommitWriter, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> Task<T, any Error> {
        let queued = writer.pendingCount
        let task = Task { try await writer.write(body) }
        try await waitUntilPending(writer, queued + 1)
        return task
    }

    /// A write inserting a client with `email`.
    private func insert(_ email: String) -> @Sendable (Database) throws -> Void {
        { db in try db.execute(sql: "INSERT INTO clients (email) VALUES (?)", arguments: [email]) }
    }

    @Test func writesArrivingDuringACommitAreCommittedTogether() async throws {
        try await withGroupCommit { writer, counter, database in
            let (gate, first) = await hold(writer)
            let writes = (0..<20).map { index in
                Task {
                    try await writer.write { db in
                        try insert("c\(index)@example.org")(db)
                        return index
                    }
                }
            }
            try await waitUntilPending(writer, 20)
            let before = counter.commits.value
            gate.signal()
            try await first.value
            for (index, write) in writes.enumerated() { #expect(try await write.value == index) }
            // The held write's transaction, then one for all twenty.
            #expect(counter.commits.value - before == 2)
            let count = try await database.reader.read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM clients")
            }
            #expect(count == 21)
            #expect(writer.pendingCount == 0)
        }
    }

    @Test func aWriteThatThrowsRollsBackOnlyItsOwnSavepoint() async throws {
        try await withGroupCommit { writer, _, database in
            let (gate, first) = await hold(writer)
            let before = try await queue(writer, insert("before@example.org"))
            let failing = try await queue(writer) { db in
                try insert("lost@example.org")(db)
                throw Refused()
            }
            // Writes of one batch see each other in order: this one finds `before`'s row.
            let after = try await queue(writer) { db in
                try insert("after@example.org")(db)
                return try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM clients WHERE email = 'before@example.org'")
            }
            gate.signal()
            try await first.value
            try await before.value
            await #expect(throws: Refused.self) { try await failing.value }
            #expect(try await after.value == 1)
            let emails = try await database.reader.read {
                try String.fetchAll($0, sql: "SELECT email FROM clients ORDER BY id")
            }
            #expect(emails == ["first@example.org", "before@example.org", "after@example.org"])
        }
    }

    @Test func aFailedCommitFailsEveryWriteOfItsBatchAndKeepsNothing() async throws {
        try await withGroupCommit { writer, _, database in
            let (gate, first) = await hold(writer)
            let fine = try await queue(writer, insert("fine@example.org"))
            // A deferred foreign key is checked only at COMMIT, which then fails.
            let dangling = try await queue(writer) { db in
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                try db.execute(sql: "INSERT INTO sessions (client_id, minutes) VALUES (999, 50)")
            }
            gate.signal()
            try await first.value
            await #expect(throws: DatabaseError.self) { try await fine.value }
            await #expect(throws: DatabaseError.self) { try await dangling.value }
            let (clients, sessions) = try await database.reader.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT email FROM clients"),
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions")
                )
            }
            #expect(clients == ["first@example.org"])
            #expect(sessions == 0)
            // The writer goes on: the next write commits.
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO clients (email) VALUES ('next@example.org')")
            }
            let count = try await database.reader.read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM clients")
            }
            #expect(count == 2)
        }
    }

    @Test func aWriteWithOneChangeIsUndoneByItsStatementAlone() async throws {
        try await withGroupCommit { writer, counter, database in
            let (gate, first) = await hold(writer)
            let before = try await queue(writer, insert("before@example.org"))
            /// Queues `body` as a write with one change.
            func queueOneChange<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws
                -> Task<T, any Error>
            {
                let queued = writer.pendingCount
                let task = Task { try await writer.writeWithOneChange(body) }
                try await waitUntilPending(writer, queued + 1)
                return task
            }
            // Its one statement inserts a row, then fails on the next: SQLite undoes the statement.
            let failing = try await queueOneChange { db in
                try db.execute(
                    sql: "INSERT INTO clients (email) VALUES ('partial@example.org'), ('before@example.org')")
            }
            // Throws before its change: nothing to undo.
            let refused = try await queueOneChange { db -> Void in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM clients")
                throw Refused()
            }
            // Sees what the batch committed before it, and commits with it.
            let after = try await queueOneChange { db in
                let seen = try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM clients WHERE email IN ('before@example.org', 'partial@example.org')"
                )
                try insert("after@example.org")(db)
                return seen
            }
            let commits = counter.commits.value
            gate.signal()
            try await first.value
            try await before.value
            await #expect(throws: DatabaseError.self) { try await failing.value }
            await #expect(throws: Refused.self) { try await refused.value }
            #expect(try await after.value == 1)
            #expect(counter.commits.value - commits == 2)
            let emails = try await database.reader.read {
                try String.fetchAll($0, sql: "SELECT email FROM clients ORDER BY id")
            }
            #expect(emails == ["first@example.org", "before@example.org", "after@example.org"])
        }
    }
}
