import Foundation
import Synchronization
import Testing
import TillitContracts
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitTesting

/// `tillit-notes` as its own process against a real Identity and Booking: every acknowledged
/// signed note survives kill -9 in the middle of a burst, reads after the restart, and the audit
/// chain verifies.
@Suite(.timeLimit(.minutes(5)))
struct NotesProcessTests {
    private func start(dataDirectory: String, world: NotesWorld) throws -> ChildProcess {
        var environment = TestPKI.main.environment(for: "notes")
        environment["TILLIT_NOTES_ADDR"] = "127.0.0.1:0"
        environment["TILLIT_IDENTITY_ADDR"] = "127.0.0.1:\(world.booking.identity.port)"
        environment["TILLIT_BOOKING_ADDR"] = "127.0.0.1:\(world.booking.bookingPort)"
        environment["TILLIT_DATA_DIR"] = dataDirectory
        // A durability test, not a timing one: a loaded machine must not time out its questions.
        environment["TILLIT_NOTES_DEPENDENCY_TIMEOUT_MILLIS"] = "30000"
        return try ChildProcess(executable: Built.notes, environment: environment, name: "notes")
    }

    @Test func aBadKeySettingExitsWith78() async throws {
        let child = try ChildProcess(
            executable: Built.notes, environment: ["TILLIT_NOTES_KEKS": "1:not-base64"], name: "notes")
        #expect(await child.waitForExit(timeout: .seconds(60)) == 78, "\(child.log)")
        #expect(child.log.contains("TILLIT_NOTES_KEKS"), "\(child.log)")
    }

    @Test func acknowledgedNotesSurviveKillNineDuringABurstAndTheChainVerifies() async throws {
        try await withNotesWorld { world in
            // The child checks tokens against the real clock: Identity's test clock ran ahead by
            // a TOTP step per enrolment, so it is set a minute back and the author signs in again
            // (a password alone: the practice does not require TOTP of practitioners).
            let identity = world.booking.identity
            identity.clock.set(Date().addingTimeInterval(-60))
            let organization = world.booking.practice.organization
            let author = bearer(
                try await identity.signIn(organization: organization, email: "practitioner@stigen.se").login
                    .tokens
                    .accessToken)
            let client = world.booking.practice.id(.client)
            try await withTemporaryDirectory { folder in
                let data = folder.appendingPathComponent("data").path
                var child = try start(dataDirectory: data, world: world)
                var address = try await child.boundAddress()
                let rpc = RPCClient(
                    host: address.host, port: address.port, configuration: try .tls(to: .notes))
                let notes = Tillit_Notes_V1_Notes.Client(rpc)
                let acknowledged = Acknowledged()
                let victim = child
                // 8 writers keep signing notes; kill -9 lands while they are in flight.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            for index in 0..<1000 {
                                do {
                                    let note = try await notes.createNote(
                                        .with {
                                            $0.clientID.value = client
                                            $0.kind = index % 3 == 0 ? .process : .session
                                            $0.body = NotesHarness.body("Anteckning \(writer)-\(index)")
                                            $0.sign = true
                                        }, options: author
                                    ).note
                                    acknowledged.add(note.id, text: "Anteckning \(writer)-\(index)")
                                } catch {
                                    return
                                }
                            }
                        }
                    }
                    group.addTask {
                        while acknowledged.count < 40 { try await Task.sleep(for: .milliseconds(5)) }
                        victim.signal(SIGKILL)
                    }
                    try await group.waitForAll()
                }
                #expect(await child.waitForExit() == SIGKILL)
                rpc.close()
                let written = acknowledged.all
                #expect(written.count >= 40)
                child = try start(dataDirectory: data, world: world)
                address = try await child.boundAddress()
                let again = RPCClient(
                    host: address.host, port: address.port, configuration: try .tls(to: .notes))
                defer { again.close() }
                let restarted = Tillit_Notes_V1_Notes.Client(again)
                for (id, text) in written {
                    let view = try await restarted.getNote(.with { $0.noteID = id }, options: author).view
                    #expect(view.note.body.sections.first?.text == text)
                    #expect(view.note.status == .signed)
                }
                #expect(await child.stop() == 0, "\(child.log)")
                // The chain, verified from the file with the service's audit key.
                let configuration = try ServiceConfiguration(
                    service: .notes, environment: ["TILLIT_DATA_DIR": data])
                let keys = try AuditKeys.load(configuration)
                let database = try NotesDatabase.open(
                    path: configuration.databasePath, auditKeys: keys, logger: quietLogger)
                defer { try? database.close() }
                let verification = try await database.database.read { db in
                    try AuditTrail(keys: keys).verify(organization: organization, db: db)
                }
                #expect(verification.intact, "\(verification.problem)")
                // Each acknowledged note: create + sign; each read after the restart: one event.
                #expect(verification.checked >= Int64(3 * written.count))
            }
        }
    }
}

/// The notes the service acknowledged, by id with their text.
private final class Acknowledged: Sendable {
    private let notes = Mutex<[String: String]>([:])

    func add(_ id: String, text: String) { notes.withLock { $0[id] = text } }
    var count: Int { notes.withLock { $0.count } }
    var all: [String: String] { notes.withLock { $0 } }
}
