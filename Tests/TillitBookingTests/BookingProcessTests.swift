import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// `tillit-booking` as its own process against a real Identity: every acknowledged booking
/// survives kill -9 and a restart, and the audit chain still verifies.
@Suite(.timeLimit(.minutes(5)))
struct BookingProcessTests {
    private func start(dataDirectory: String, identityPort: Int) throws -> ChildProcess {
        var environment = TestPKI.main.environment(for: "booking")
        environment["TILLIT_BOOKING_ADDR"] = "127.0.0.1:0"
        environment["TILLIT_IDENTITY_ADDR"] = "127.0.0.1:\(identityPort)"
        environment["TILLIT_DATA_DIR"] = dataDirectory
        return try ChildProcess(executable: Built.booking, environment: environment, name: "booking")
    }

    @Test func aBadSettingExitsWith78() async throws {
        let child = try ChildProcess(
            executable: Built.booking, environment: ["TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS": "forever"],
            name: "booking")
        #expect(await child.waitForExit(timeout: .seconds(60)) == 78, "\(child.log)")
        #expect(child.log.contains("TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS"), "\(child.log)")
    }

    @Test func acknowledgedBookingsSurviveKillNineAndTheAuditChainVerifies() async throws {
        try await withIdentity { identity in
            // The child checks tokens against the real clock; the harness's tokens were issued at
            // most 30 s (one TOTP step) ahead of it, inside the verifiers' 30 s skew.
            let practice = try await Practice.make(identity)
            let location = try await identity.identity.getOrganization(.init(), options: practice.options(.admin))
                .organization.locations[0].id
            try await withTemporaryDirectory { folder in
                let data = folder.appendingPathComponent("data").path
                var child = try start(dataDirectory: data, identityPort: identity.port)
                var address = try await child.boundAddress()
                var rpc = RPCClient(host: address.host, port: address.port, configuration: try .tls(to: .booking))
                var booking = Tillit_Booking_V1_Booking.Client(rpc)
                let admin = practice.options(.admin)
                let type = try await booking.createSessionType(
                    .with {
                        $0.sessionType.name = "Samtal"
                        $0.sessionType.durationMinutes = 45
                        $0.sessionType.modality = .phone
                        $0.sessionType.capacity = 1
                        $0.sessionType.price.currency = "EUR"
                    }, options: admin
                ).sessionType
                let base = (Int64(Date().timeIntervalSince1970) / 3600 + 7 * 24) * 3_600_000
                let scheduler = practice.options(.scheduler)
                let clients = [practice.id(.client), practice.otherClient]
                let rpcForTasks = rpc
                // 20 bookings in flight at once; each acknowledged one must be there after kill -9.
                let acknowledged = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            let client = Tillit_Booking_V1_Booking.Client(rpcForTasks)
                            return try await client.bookAppointment(
                                .with {
                                    $0.idempotencyKey = "durable-\(index)"
                                    $0.sessionTypeID = type.id
                                    $0.practitionerID.value = practice.id(.practitioner)
                                    $0.clientID.value = clients[index % 2]
                                    $0.locationID = location
                                    $0.start = Tillit_Common_V1_Timestamp(millis: base + Int64(index) * 3_600_000)
                                    $0.outsideAvailability = true
                                }, options: scheduler
                            ).appointment.id
                        }
                    }
                    var ids: [String] = []
                    for try await id in group { ids.append(id) }
                    return ids
                }
                #expect(acknowledged.count == 20)
                rpc.close()
                child.signal(SIGKILL)
                #expect(await child.waitForExit() == SIGKILL)
                child = try start(dataDirectory: data, identityPort: identity.port)
                address = try await child.boundAddress()
                rpc = RPCClient(host: address.host, port: address.port, configuration: try .tls(to: .booking))
                defer { rpc.close() }
                booking = Tillit_Booking_V1_Booking.Client(rpc)
                let listed = try await booking.listAppointments(
                    .with {
                        $0.during = Tillit_Common_V1_TimeRange(millis: base..<(base + 2 * 86_400_000))
                        $0.page.pageSize = 100
                    }, options: scheduler
                ).appointments
                #expect(Set(listed.map(\.id)) == Set(acknowledged))
                // A retry of an acknowledged booking after the restart finds the same appointment.
                let retried = try await booking.bookAppointment(
                    .with {
                        $0.idempotencyKey = "durable-0"
                        $0.sessionTypeID = type.id
                        $0.practitionerID.value = practice.id(.practitioner)
                        $0.clientID.value = clients[0]
                        $0.locationID = location
                        $0.start = Tillit_Common_V1_Timestamp(millis: base)
                        $0.outsideAvailability = true
                    }, options: scheduler)
                #expect(acknowledged.contains(retried.appointment.id))
                let verification = try await booking.verifyAuditChain(.init(), options: admin)
                #expect(verification.intact, "\(verification.problem)")
                #expect(verification.eventsChecked == 21)
                #expect(await child.stop() == 0, "\(child.log)")
            }
        }
    }
}
