import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@Suite(.timeLimit(.minutes(2))) struct IntegrityTests {
    @Test func foreignKeysAreEnforced() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }
            let error = #expect(throws: DatabaseError.self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO sessions (client_id, minutes) VALUES (999, 50)")
                }
            }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
            let sessions = try database.reader.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions")
            }
            #expect(sessions == 0)
        }
    }

    @Test func constraintViolationsAreSwiftErrorsAndTheDatabaseGoesOn() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO clients (id, email) VALUES (1, 'a@example.org')")
            }

            let unique = #expect(throws: DatabaseError.self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO clients (email) VALUES ('a@example.org')")
                }
            }
            #expect(unique?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)

            let notNull = #expect(throws: DatabaseError.self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO clients (email) VALUES (NULL)")
                }
            }
            #expect(notNull?.extendedResultCode == .SQLITE_CONSTRAINT_NOTNULL)

            let check = #expect(throws: DatabaseError.self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO sessions (client_id, minutes) VALUES (1, 0)")
                }
            }
            #expect(check?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)

            // A failed statement rolls back its whole transaction, earlier statements included.
            #expect(throws: DatabaseError.self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO clients (email) VALUES ('b@example.org')")
                    try db.execute(sql: "INSERT INTO clients (email) VALUES ('a@example.org')")
                }
            }
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO sessions (client_id, minutes) VALUES (1, 50)")
            }
            let emails = try database.reader.read { db in
                try String.fetchAll(db, sql: "SELECT email FROM clients ORDER BY id")
            }
            #expect(emails == ["a@example.org"])
        }
    }

    @Test func liveDatabasePassesIntegrityCheck() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            defer { try? database.close() }
            try Fixtures.insertEvents(50, into: database)
            try database.checkIntegrity()
        }
    }

    @Test func corruptedFileFailsIntegrityCheck() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("corrupt.db").path
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
                try db.execute(sql: "CREATE INDEX t_value ON t(value)")
                for index in 0..<2000 {
                    try db.execute(sql: "INSERT INTO t (value) VALUES (?)", arguments: ["value \(index)"])
                }
            }
            try queue.close()

            // Overwrite the middle of the file (b-tree pages of the table and index).
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size / 2)
            try handle.write(contentsOf: Data(repeating: 0x5A, count: 8192))
            try handle.close()

            let error = #expect(throws: StorageError.self) {
                try ServiceDatabase.checkIntegrity(ofDatabaseAt: path)
            }
            #expect(error?.code == .integrityCheckFailed)
            #expect(error?.message.contains(path) == true)
        }
    }
}
