import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@Suite(.timeLimit(.minutes(2))) struct DurabilityTests {
    @Test func committedWriteIsDurableAcrossCloseAndReopen() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO clients (id, email) VALUES (7, 'kept@example.org')")
            }

            // Before any clean close: an independent connection sees the commit on disk.
            let independent = try DatabaseQueue(path: database.path)
            let seen = try independent.read { db in
                try String.fetchOne(db, sql: "SELECT email FROM clients WHERE id = 7")
            }
            try independent.close()
            #expect(seen == "kept@example.org")

            try database.close()
            let reopened = try Fixtures.open(in: directory)
            defer { try? reopened.close() }
            let email = try reopened.reader.read { db in
                try String.fetchOne(db, sql: "SELECT email FROM clients WHERE id = 7")
            }
            #expect(email == "kept@example.org")
        }
    }

    @Test func closedDatabaseRefusesFurtherAccess() throws {
        try withTemporaryDirectory { directory in
            let database = try Fixtures.open(in: directory)
            try database.close()
            #expect(throws: (any Error).self) {
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO clients (email) VALUES ('late@example.org')")
                }
            }
        }
    }
}
