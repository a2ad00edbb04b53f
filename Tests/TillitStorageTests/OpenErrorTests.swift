import Foundation
import GRDB
import Testing
import TillitStorage
import TillitTesting

@Suite(.timeLimit(.minutes(2))) struct OpenErrorTests {
    @Test func fileThatIsNotADatabaseIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("service.db").path
            let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            try garbage.write(to: URL(fileURLWithPath: path))

            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory)
            }
            #expect(error?.code == .openFailed)
            #expect(error?.message.hasPrefix("could not open database at \(path)") == true)
            #expect(error?.message.contains("PRAGMA") == false)
            #expect(error?.cause is DatabaseError)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage, "file left untouched")
        }
    }

    @Test func missingDirectoryIsRefused() throws {
        try withTemporaryDirectory { directory in
            let error = #expect(throws: StorageError.self) {
                try Fixtures.open("missing/service.db", in: directory)
            }
            #expect(error?.code == .openFailed)
            #expect(error?.message.contains("missing/service.db") == true)
        }
    }

    @Test func readOnlyOpenOfMissingFileFails() throws {
        try withTemporaryDirectory { directory in
            let error = #expect(throws: StorageError.self) {
                try Fixtures.open(in: directory) { $0.readOnly = true }
            }
            #expect(error?.code == .openFailed)
            #expect(
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("service.db").path))
        }
    }

    @Test(arguments: [
        DatabaseConfiguration(path: "/tmp/x.db", maximumReaderCount: 0),
        DatabaseConfiguration(path: ""),
        DatabaseConfiguration(path: ":memory:"),
        DatabaseConfiguration(path: "/tmp/x.db", busyTimeout: .seconds(-1)),
        DatabaseConfiguration(path: "/tmp/x.db", busyTimeout: .seconds(100_000)),
    ])
    func invalidConfigurationIsRejectedWithoutTouchingFiles(configuration: DatabaseConfiguration) throws {
        let error = #expect(throws: StorageError.self) {
            try ServiceDatabase.open(configuration: configuration, migrations: Fixtures.schema, logger: .test)
        }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func defaultsAreClinicalGrade() {
        let configuration = DatabaseConfiguration(path: "/data/notes.db")
        #expect(configuration.synchronous == .full)
        #expect(configuration.busyTimeout == .seconds(5))
        #expect(configuration.readOnly == false)
        #expect(configuration.maximumReaderCount == 5)
    }
}
