import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@Suite(.timeLimit(.minutes(2))) struct BackupTests {
    @Test func backupWhileWritingPassesIntegrityCheckAndRestores() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open("live.db", in: directory)
            defer { try? database.close() }
            let backupPath = directory.appendingPathComponent("live-backup.db").path
            // A few megabytes, so the copy takes a while as the writer goes on.
            try database.writer.write { db in
                for _ in 0..<5000 {
                    try db.execute(
                        sql: "INSERT INTO events (payload) VALUES (?)",
                        arguments: [String(repeating: "p", count: 512)])
                }
            }

            let stop = Locked(false)
            let inserted = Locked(0)
            let writerFailure = Locked<String?>(nil)
            let writer = BackgroundThread {
                while !stop.value {
                    do {
                        try database.writer.write { db in
                            try db.execute(
                                sql: "INSERT INTO events (payload) VALUES (?)",
                                arguments: [String(repeating: "x", count: 512)])
                        }
                        inserted.withLock { $0 += 1 }
                    } catch {
                        writerFailure.withLock { $0 = String(describing: error) }
                        return
                    }
                }
            }
            defer {
                stop.withLock { $0 = true }
                writer.join()
            }

            let deadline = Date(timeIntervalSinceNow: 30)
            while inserted.value < 100 && writerFailure.value == nil && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            let committedBeforeBackup = try Fixtures.eventCount(database.reader)
            #expect(committedBeforeBackup >= 5100)

            try database.backup(to: backupPath)
            let insertedAfterBackup = inserted.value

            stop.withLock { $0 = true }
            #expect(writer.join(timeout: 30))
            #expect(writerFailure.value == nil, "writer failed: \(writerFailure.value ?? "")")
            #expect(inserted.value >= insertedAfterBackup)

            // Nothing but the finished backup is left next to it.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.contains("partial") }
            #expect(leftovers.isEmpty)

            // The backup is a plain, self-contained file that passes integrity_check.
            let raw = try DatabaseQueue(path: backupPath)
            let (check, journalMode) = try raw.read { db in
                (
                    try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                    try String.fetchOne(db, sql: "PRAGMA journal_mode")
                )
            }
            try raw.close()
            #expect(check == ["ok"])
            #expect(journalMode == "delete")

            // Restore: the backup opens with the same open function and has the data,
            // a consistent snapshot (ids 1...n with no gaps).
            let restored = try Fixtures.open("live-backup.db", in: directory)
            defer { try? restored.close() }
            let (count, maxID) = try restored.reader.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT max(id) FROM events") ?? 0
                )
            }
            #expect(count >= committedBeforeBackup)
            #expect(count == maxID)
            #expect(try Fixtures.appliedMigrations(restored) == Fixtures.schema.identifiers)
            #expect(try Fixtures.inspectWriter(of: restored).synchronous == 2)
        }
    }

    @Test func backupReplacesAnEarlierBackupAtTheSamePath() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }
            let backupPath = directory.appendingPathComponent("backup.db").path

            try Fixtures.insertEvents(5, into: database)
            try database.backup(to: backupPath)
            try Fixtures.insertEvents(5, into: database)
            try database.backup(to: backupPath)

            let backup = try DatabaseQueue(path: backupPath)
            defer { try? backup.close() }
            #expect(try Fixtures.eventCount(backup) == 10)
        }
    }

    @Test func failedBackupsLeaveNothingBehind() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }

            let missingDirectory = #expect(throws: StorageError.self) {
                try database.backup(to: directory.appendingPathComponent("missing/backup.db").path)
            }
            #expect(missingDirectory?.code == .backupFailed)

            let ontoItself = #expect(throws: StorageError.self) {
                try database.backup(to: database.path)
            }
            #expect(ontoItself?.code == .backupFailed)

            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files.allSatisfy { $0.hasPrefix("service.db") }, "unexpected files: \(files)")
        }
    }

    @Test func restoreReplacesDatabaseEvenWithLeftoverWAL() throws {
        try withTemporaryDirectory { directory in
            let live = try Fixtures.open("live.db", in: directory)
            defer { try? live.close() }
            try Fixtures.insertEvents(10, into: live)
            let backupPath = directory.appendingPathComponent("backup.db").path
            try live.backup(to: backupPath)
            try Fixtures.insertEvents(10, into: live)

            // A crash image of the live database: main file plus a WAL holding newer commits.
            let crashed = directory.appendingPathComponent("crashed.db").path
            try FileManager.default.copyItem(atPath: live.path, toPath: crashed)
            try FileManager.default.copyItem(atPath: live.path + "-wal", toPath: crashed + "-wal")

            try ServiceDatabase.restore(
                fromBackupAt: backupPath, to: DatabaseConfiguration(path: crashed), logger: .test)

            let restored = try Fixtures.open("crashed.db", in: directory)
            defer { try? restored.close() }
            #expect(try Fixtures.eventCount(restored.reader) == 10)
            try restored.checkIntegrity()
        }
    }

    @Test func restoreRefusesDamagedBackup() throws {
        try withTemporaryDirectory { directory in
            let backupPath = directory.appendingPathComponent("backup.db").path
            try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: backupPath))
            let target = directory.appendingPathComponent("service.db").path

            let error = #expect(throws: StorageError.self) {
                try ServiceDatabase.restore(
                    fromBackupAt: backupPath, to: DatabaseConfiguration(path: target), logger: .test)
            }
            #expect(error?.code == .integrityCheckFailed)
            #expect(!FileManager.default.fileExists(atPath: target))
        }
    }
}
