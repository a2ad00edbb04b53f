import Foundation
import GRDB
import Testing
import TillitTesting

@testable import TillitStorage

@Suite(.timeLimit(.minutes(2))) struct ConnectionSettingsTests {
    @Test func defaultsHoldOnWriterAndOnEveryReader() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory) { $0.maximumReaderCount = 4 }
            defer { try? database.close() }

            let writer = try Fixtures.inspectWriter(of: database)
            #expect(writer.synchronous == 2, "writer must be synchronous=FULL")
            #expect(writer.journalMode == "wal")
            #expect(writer.foreignKeys == 1)
            // The writer waits through BusyRetry (which counts its retries), not SQLite's own
            // busy_timeout; `writerWaitsForBusyTimeoutThenFailsWithBusy` checks the wait.
            #expect(writer.busyTimeoutMilliseconds == 0)

            let readers = try Fixtures.inspectReaders(of: database, count: 4)
            #expect(readers.count == 4, "expected four distinct reader connections: \(readers.keys)")
            for (name, reader) in readers {
                #expect(reader.synchronous == 2, "reader \(name) must be synchronous=FULL")
                #expect(reader.journalMode == "wal", "reader \(name)")
                #expect(reader.foreignKeys == 1, "reader \(name)")
                #expect(reader.busyTimeoutMilliseconds == 5000, "reader \(name)")
            }
        }
    }

    @Test(arguments: DatabaseConfiguration.Synchronous.allCases)
    func configuredLevelsHoldOnEveryConnection(level: DatabaseConfiguration.Synchronous) throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory) {
                $0.synchronous = level
                $0.busyTimeout = .milliseconds(250)
                $0.maximumReaderCount = 3
            }
            defer { try? database.close() }

            let writer = try Fixtures.inspectWriter(of: database)
            #expect(writer.synchronous == level.rawValue)
            #expect(writer.busyTimeoutMilliseconds == 0)
            let readers = try Fixtures.inspectReaders(of: database, count: 3)
            #expect(readers.count == 3)
            for (name, reader) in readers {
                #expect(reader.synchronous == level.rawValue, "reader \(name)")
                #expect(reader.busyTimeoutMilliseconds == 250, "reader \(name)")
            }
        }
    }

    @Test func synchronousHoldsOnReadersOpenedLater() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory) { $0.maximumReaderCount = 2 }
            defer { try? database.close() }
            _ = try Fixtures.inspectReaders(of: database, count: 2)

            // Closes the reader connections; the next reads open new ones.
            database.pool.releaseMemory()

            let readers = try Fixtures.inspectReaders(of: database, count: 2)
            #expect(readers.count == 2)
            #expect(readers.values.allSatisfy { $0.synchronous == 2 })
            #expect(try Fixtures.inspectWriter(of: database).synchronous == 2)
        }
    }

    /// Documents the GRDB behaviour `ServiceDatabase.open` works around. If this starts to
    /// fail, GRDB no longer resets the writer and the workaround could go (keep the other
    /// tests, which check the outcome).
    @Test func plainGRDBPoolResetsWriterToNormalAfterPrepareDatabase() throws {
        try withTemporaryDirectory { directory in
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let pool = try DatabasePool(
                path: directory.appendingPathComponent("plain.db").path, configuration: configuration)
            defer { try? pool.close() }
            let writerLevel = try pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            let readerLevel = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(writerLevel == 1, "GRDB's WAL setup leaves the writer at NORMAL")
            #expect(readerLevel == 2, "readers keep what prepareDatabase set")
        }
    }

    @Test func readOnlyOpenAppliesSettingsToItsConnections() throws {
        try withTemporaryDirectory { directory in
            try Fixtures.open(in: directory).close()
            let database = try Fixtures.open(in: directory) {
                $0.readOnly = true
                $0.maximumReaderCount = 2
            }
            defer { try? database.close() }
            #expect(try Fixtures.inspectWriter(of: database).synchronous == 2)
            let readers = try Fixtures.inspectReaders(of: database, count: 2)
            #expect(readers.count == 2)
            #expect(readers.values.allSatisfy { $0.synchronous == 2 && $0.foreignKeys == 1 })
        }
    }

    @Test func writeTransactionsBeginImmediate() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }
            let statements = Locked<[String]>([])
            database.writer.writeWithoutTransaction { db in
                db.trace { event in statements.withLock { $0.append(event.description) } }
            }
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO clients (email) VALUES ('a@example.org')")
            }
            database.writer.writeWithoutTransaction { db in db.trace(options: []) }
            let begin = statements.value.first { $0.hasPrefix("BEGIN") }
            #expect(begin == "BEGIN IMMEDIATE TRANSACTION")
        }
    }

    @Test func writerWaitsForBusyTimeoutThenFailsWithBusy() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory) { $0.busyTimeout = .milliseconds(300) }
            defer { try? database.close() }
            let other = try Self.lockingConnection(path: database.path)
            defer { try? other.close() }

            try other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            let start = Date()
            let error = #expect(throws: DatabaseError.self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO clients (email) VALUES ('b@example.org')")
                }
            }
            let waited = Date().timeIntervalSince(start)
            #expect(error?.resultCode == .SQLITE_BUSY)
            #expect(waited >= 0.25, "the writer gave up after \(waited)s, before its busy timeout")
            try other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }

            // Still usable afterwards.
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO clients (email) VALUES ('b@example.org')")
            }
        }
    }

    /// The writer's busy handler spends exactly the busy timeout, in SQLite's own steps.
    @Test(arguments: [0, 1, 7, 250, 300, 5000, 12_345])
    func busyRetriesSpendTheTimeoutInSQLitesSteps(timeoutMilliseconds: Int) {
        var waited = 0
        var tries = 0
        while case let delay = BusyRetry.delay(beforeRetry: tries, timeoutMilliseconds: timeoutMilliseconds),
            delay > 0
        {
            #expect(delay <= 100)
            waited += delay
            tries += 1
        }
        #expect(waited == timeoutMilliseconds)
        if timeoutMilliseconds >= 18 {
            #expect(
                (0..<4).map { BusyRetry.delay(beforeRetry: $0, timeoutMilliseconds: timeoutMilliseconds) }
                    == [1, 2, 5, 10])
        }
    }

    @Test func writerWaitsForLockReleasedWithinBusyTimeout() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }
            let other = try Self.lockingConnection(path: database.path)
            defer { try? other.close() }

            try other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            let release = BackgroundThread {
                Thread.sleep(forTimeInterval: 0.2)
                try? other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            }
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO clients (email) VALUES ('c@example.org')")
            }
            release.join()
            let count = try database.reader.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM clients")
            }
            #expect(count == 1)
        }
    }

    /// A separate connection that may hold a transaction open across accesses.
    private static func lockingConnection(path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
