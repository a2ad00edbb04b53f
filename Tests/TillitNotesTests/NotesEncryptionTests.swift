import Foundation
import GRDB
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Envelope encryption at rest: nothing readable in the SQLite file or its WAL; whatever was
/// tampered with answers DATA_LOSS, never garbage; key rotation interrupted and resumed.
@Suite(.timeLimit(.minutes(5)))
struct NotesEncryptionTests {
    @Test func neitherTheTextNorTheClientsNameIsInTheDatabaseFileOrItsWAL() async throws {
        try await withNotes { harness in
            let text = "Klienten berättade om sin bror Ingvar Lindqvist-Mörk"
            let note = try await harness.write(text, kind: .shared, as: harness.options(.practitioner))
            _ = try await harness.notes.addComment(
                .with {
                    $0.noteID = note.id
                    $0.text = "Jag håller inte med om formuleringen, Ingvar"
                }, options: harness.options(.client))
            _ = try await harness.read(note.id, as: harness.options(.client))
            let files = try FileManager.default.contentsOfDirectory(atPath: harness.notesDirectory)
                .filter { $0.hasPrefix("notes.db") }
            #expect(files.contains("notes.db-wal"), "the WAL is checked too: \(files)")
            for file in files {
                let bytes = try Data(
                    contentsOf: URL(fileURLWithPath: harness.notesDirectory).appendingPathComponent(file))
                for secret in ["Ingvar", "Lindqvist", "client@example.com", "formuleringen"] {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) readable in \(file)")
                }
            }
        }
    }

    @Test func tamperedCiphertextWrappedKeyOrAssociatedDataIsDataLoss() async throws {
        try await withNotes { harness in
            let author = harness.options(.practitioner)
            // Only someone bypassing the lock can change a signed row: drop it, as an attacker
            // with the file would.
            try harness.execute("DROP TRIGGER notes_locked")
            let tamperings: [(String, String)] = [
                (
                    "ciphertext",
                    "UPDATE notes SET body = CAST(substr(body, 1, 20) || x'00' || substr(body, 22) AS BLOB) WHERE id = ?"
                ),
                (
                    "wrapped key",
                    "UPDATE notes SET wrapped_key = CAST(substr(wrapped_key, 1, 30) || x'ff' || substr(wrapped_key, 32) AS BLOB) WHERE id = ?"
                ),
                ("associated data (version)", "UPDATE notes SET version = version + 1 WHERE id = ?"),
                ("key version", "UPDATE notes SET kek_version = 7 WHERE id = ?"),
            ]
            for (what, sql) in tamperings {
                let note = try await harness.write("Känsligt: \(what)", as: author)
                try harness.execute(sql, [note.id])
                let error = await expectRPCError(.dataLoss, what) {
                    try await harness.read(note.id, as: author)
                }
                #expect(error?.message.contains("Känsligt") == false)
            }
            // Another note's body moved into this row does not open either.
            let a = try await harness.write("A", as: author)
            let b = try await harness.write("B", as: author)
            try harness.execute(
                "UPDATE notes SET body = (SELECT body FROM notes WHERE id = ?) WHERE id = ?", [a.id, b.id])
            await expectCode(.dataLoss, "a body moved to another row") {
                try await harness.read(b.id, as: author)
            }
            // The service keeps serving.
            #expect(try await harness.read(a.id, as: author).note.body.sections[0].text == "A")
        }
    }

    @Test func rewrappingInterruptedHalfWayAndResumedLeavesEveryNoteReadable() async throws {
        let directory = try makeTemporaryDirectory(prefix: "tillit-notes-rotation").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clinical1 = Data((0..<32).map { UInt8($0) })
        let clinical2 = Data((0..<32).map { UInt8(100 + $0) })
        let process1 = Data((0..<32).map { UInt8(200 + $0 / 2) })
        let process2 = Data((0..<32).map { UInt8(50 + $0) })
        let before = try NoteKeyRing(clinical: [1: clinical1], process: [1: process1])
        let after = try NoteKeyRing(
            clinical: [1: clinical1, 2: clinical2], process: [1: process1, 2: process2])
        let rotated = try NoteKeyRing(clinical: [2: clinical2], process: [2: process2])
        try await withNotesWorld { world in
            try await withNotesService(world, dataDirectory: directory, keys: before) { harness in
                let author = harness.options(.practitioner)
                var ids: [String] = []
                for index in 0..<7 {
                    ids.append(
                        try await harness.write(
                            "Anteckning \(index)", kind: index % 3 == 0 ? .process : .session, as: author
                        ).id)
                }
                try ids.joined(separator: "\n").write(
                    toFile: directory + "/ids", atomically: true, encoding: .utf8)
            }
            let ids = try String(contentsOfFile: directory + "/ids", encoding: .utf8).split(separator: "\n")
                .map(String.init)
            // Version 2 becomes current; one batch of 3 is rewrapped, then the service stops.
            try await withNotesService(world, dataDirectory: directory, keys: after) { harness in
                let first = try await harness.notes.rewrapKeys(
                    .with { $0.batchSize = 3 }, options: harness.options(.admin))
                #expect(
                    first.rewrapped == 3 && first.remaining == 4 && first.keyVersion == 2
                        && first.processKeyVersion == 2)
                for (index, id) in ids.enumerated() {
                    #expect(
                        try await harness.read(id, as: harness.options(.practitioner)).note.body.sections[0]
                            .text == "Anteckning \(index)")
                }
            }
            // Resumed after the restart: the rest, then nothing more to do.
            try await withNotesService(world, dataDirectory: directory, keys: after) { harness in
                let admin = harness.options(.admin)
                let second = try await harness.notes.rewrapKeys(.init(), options: admin)
                #expect(second.rewrapped == 4 && second.remaining == 0)
                #expect(try await harness.notes.rewrapKeys(.init(), options: admin).rewrapped == 0)
            }
            // Version 1 can now be dropped: every note reads with version 2 alone.
            try await withNotesService(world, dataDirectory: directory, keys: rotated) { harness in
                for (index, id) in ids.enumerated() {
                    #expect(
                        try await harness.read(id, as: harness.options(.practitioner)).note.body.sections[0]
                            .text == "Anteckning \(index)")
                }
                let verified = try await harness.notes.verifyAuditChain(
                    .init(), options: harness.options(.admin))
                #expect(verified.intact)
            }
        }
    }
}
