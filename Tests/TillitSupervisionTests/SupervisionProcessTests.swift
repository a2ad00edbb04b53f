import Foundation
import GRDB
import Synchronization
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitSupervision
import TillitTesting

/// `tillit-supervision` as its own process against a real Identity, Booking and Notes: every
/// acknowledged session entry survives kill -9 in the middle of a burst, the service answers
/// after the restart, and the audit chain verifies from the file.
@Suite(.timeLimit(.minutes(5)))
struct SupervisionProcessTests {
    private func start(dataDirectory: String, notes: NotesHarness) throws -> ChildProcess {
        var environment = TestPKI.main.environment(for: "supervision")
        environment["TILLIT_SUPERVISION_ADDR"] = "127.0.0.1:0"
        environment["TILLIT_IDENTITY_ADDR"] = "127.0.0.1:\(notes.booking.identity.port)"
        environment["TILLIT_BOOKING_ADDR"] = "127.0.0.1:\(notes.booking.bookingPort)"
        environment["TILLIT_NOTES_ADDR"] = "127.0.0.1:\(notes.notesPort)"
        environment["TILLIT_DATA_DIR"] = dataDirectory
        // A durability test, not a timing one: a loaded machine must not time out its questions.
        environment["TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS"] = "30000"
        return try ChildProcess(executable: Built.supervision, environment: environment, name: "supervision")
    }

    @Test func aBadSettingExitsWith78() async throws {
        let child = try ChildProcess(
            executable: Built.supervision, environment: ["TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS": "5"],
            name: "supervision")
        #expect(await child.waitForExit(timeout: .seconds(60)) == 78, "\(child.log)")
        #expect(child.log.contains("TILLIT_SUPERVISION_DEPENDENCY_TIMEOUT_MILLIS"), "\(child.log)")
    }

    @Test func acknowledgedEntriesSurviveKillNineDuringABurstAndTheChainVerifies() async throws {
        try await withNotes { notes in
            // The child checks tokens against the real clock: Identity's test clock ran ahead by
            // a TOTP step per enrolment, so it is set a minute back, and a new admin (enrolling
            // TOTP on that clock) and the trainee sign in.
            let identity = notes.booking.identity
            let practice = notes.practice
            let organization = practice.organization
            _ = try await identity.identity.createStaffAccount(
                .with {
                    $0.email = "admin2@stigen.se"
                    $0.displayName = "Admin 2"
                    $0.roles = [.admin]
                    $0.initialPassword = IdentityHarness.password
                }, options: notes.options(.admin))
            identity.clock.set(Date().addingTimeInterval(-60))
            let admin = bearer(
                try await identity.signIn(organization: organization, email: "admin2@stigen.se").login.tokens
                    .accessToken)
            let trainee = bearer(
                try await identity.signIn(organization: organization, email: "trainee@stigen.se").login.tokens
                    .accessToken)
            try await withTemporaryDirectory { folder in
                let data = folder.appendingPathComponent("data").path
                var child = try start(dataDirectory: data, notes: notes)
                var address = try await child.boundAddress()
                let rpc = RPCClient(
                    host: address.host, port: address.port, configuration: try .tls(to: .supervision))
                let supervision = Tillit_Supervision_V1_Supervision.Client(rpc)
                _ = try await supervision.setCategories(
                    .with { $0.categories = ["Individuell"] }, options: admin)
                _ = try await supervision.createRelationship(
                    .with {
                        $0.supervisorID.value = practice.id(.supervisor)
                        $0.superviseeID.value = notes.trainee.id
                        $0.startsOn = SupervisionHarness.date(2026, 1, 1)
                        $0.mode = .cosignAll
                        $0.agreementApprovedOn = SupervisionHarness.date(2026, 1, 1)
                    }, options: admin)
                let acknowledged = Entries()
                let victim = child
                // 8 writers keep logging entries; kill -9 lands while they are in flight.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            for index in 0..<1000 {
                                do {
                                    let entry = try await supervision.logSession(
                                        .with {
                                            $0.superviseeID.value = notes.trainee.id
                                            $0.kind = .individual
                                            $0.date = SupervisionHarness.date(
                                                2026, 6, 1 + (writer + index) % 28)
                                            $0.minutes = 45
                                            $0.category = "Individuell"
                                        }, options: trainee
                                    ).session
                                    acknowledged.add(entry.id)
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
                child = try start(dataDirectory: data, notes: notes)
                address = try await child.boundAddress()
                let again = RPCClient(
                    host: address.host, port: address.port, configuration: try .tls(to: .supervision))
                defer { again.close() }
                let report = try await Tillit_Supervision_V1_Supervision.Client(again).hoursReport(
                    .with {
                        $0.superviseeID.value = notes.trainee.id
                        $0.period = .custom
                        $0.from = SupervisionHarness.date(2026, 6, 1)
                        $0.to = SupervisionHarness.date(2026, 6, 30)
                    }, options: trainee)
                #expect(report.total.supervisionMinutes >= UInt64(45 * written.count))
                #expect(await child.stop() == 0, "\(child.log)")
                let configuration = try ServiceConfiguration(
                    service: .supervision, environment: ["TILLIT_DATA_DIR": data])
                let keys = try AuditKeys.load(configuration)
                let database = try SupervisionDatabase.open(
                    path: configuration.databasePath, auditKeys: keys, logger: quietLogger)
                defer { try? database.close() }
                let stored = try await database.database.read { db in
                    try Set(String.fetchAll(db, sql: "SELECT id FROM sessions"))
                }
                #expect(
                    written.isSubset(of: stored),
                    "\(written.subtracting(stored).count) acknowledged entries lost")
                let verification = try await database.database.read { db in
                    try AuditTrail(keys: keys).verify(organization: organization, db: db)
                }
                #expect(verification.intact, "\(verification.problem)")
                #expect(verification.checked >= Int64(written.count))
            }
        }
    }
}

/// The entries the service acknowledged.
private final class Entries: Sendable {
    private let ids = Mutex<Set<String>>([])

    func add(_ id: String) { _ = ids.withLock { $0.insert(id) } }
    var count: Int { ids.withLock { $0.count } }
    var all: Set<String> { ids.withLock { $0 } }
}
