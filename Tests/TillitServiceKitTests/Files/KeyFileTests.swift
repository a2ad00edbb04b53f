import Foundation
import Testing
import TillitServiceKit
import TillitTesting

/// Key files: created once, owner-only, refused when too open or of the wrong length.
@Suite(.timeLimit(.minutes(1))) struct KeyFileTests {
    @Test func createIsExclusiveOwnerOnlyAndReadable() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("k.key").path
            try KeyFile.create(path, bytes: [UInt8](repeating: 7, count: 32))
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try KeyFile.read(path, length: 32) == Data(repeating: 7, count: 32))
            #expect(throws: KeyFile.Failure.self) { try KeyFile.create(path, bytes: [1, 2, 3]) }
            #expect(try KeyFile.read(path, length: 32) == Data(repeating: 7, count: 32))
        }
    }

    @Test func aMissingFileReadsNilAndLoadOrCreateMakesItOnce() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("kek.key").path
            #expect(try KeyFile.read(path, length: 32) == nil)
            let first = try KeyFile.loadOrCreate(path, length: 32) { [UInt8](repeating: 1, count: 32) }
            let second = try KeyFile.loadOrCreate(path, length: 32) { [UInt8](repeating: 2, count: 32) }
            #expect(first == second)
            #expect(first == Data(repeating: 1, count: 32))
        }
    }

    @Test func aFileOthersCanReadOrOfTheWrongLengthIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("k.key").path
            try KeyFile.create(path, bytes: [UInt8](repeating: 7, count: 16))
            let short = #expect(throws: KeyFile.Failure.self) { try KeyFile.read(path, length: 32) }
            #expect(short?.reason.contains("not a 32-byte key") == true)
            chmod(path, 0o644)
            let open = #expect(throws: KeyFile.Failure.self) { try KeyFile.read(path, length: 16) }
            #expect(open?.reason.contains("too open") == true)
        }
    }

    @Test func theDataDirectoryIsMadeOwnerOnlyOnEveryStart() throws {
        try withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data").path
            try FileManager.default.createDirectory(
                atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let db = (data as NSString).appendingPathComponent("x.db")
            _ = FileManager.default.createFile(
                atPath: db, contents: Data(), attributes: [.posixPermissions: 0o644])
            try DataDirectory.prepare(data)
            #expect(
                try FileManager.default.attributesOfItem(atPath: data)[.posixPermissions] as? Int == 0o700)
            #expect(try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int == 0o600)
        }
    }
}
