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
        environment["TILLIT_BOOKING_HOUSEKEEPING_SECONDS"] = "1"
        // A durability test, not a timing one: a loaded machine must not turn Identity's answers
        // into DEADLINE_EXCEEDED.
        environment["TILLIT_BOOKING_IDENTITY_TIMEOUT_MILLIS"] = "30000"
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
            // The child checks tokens against the real clock. The harness's clock ran ahead by a
            // TOTP step per enrolment; the admin's, scheduler's and practitioner's tokens were
            // issued at most one step (30 s, the verifiers' skew) ahead of real time. Back on real
            // time, the client signs in again for a token of now.
            let practice = try await Practice.make(identity)
            identity.clock.set(Date())
            let client = bearer(
                try await identity.signIn(organization: practice.organization, email: "client@example.com")
                    .login.tokens
                    .accessToken)
            let location = try await identity.identity.getOrganization(
                .init(), options: practice.options(.admin)
            )
            .organization.locations[0].id
            try await withTemporaryDirectory { folder in
                let data = folder.appendingPathComponent("data").path
                var child = try start(dataDirectory: data, identityPort: identity.port)
                var address = try await child.boundAddress()
                var rpc = RPCClient(
                    host: address.host, port: address.port, configuration: try .tls(to: .booking))
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
                                    $0.start = Tillit_Common_V1_Timestamp(
                                        millis: base + Int64(index) * 3_600_000)
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
                var verification = try await booking.verifyAuditChain(.init(), options: admin)
                #expect(verification.intact, "\(verification.problem)")
                #expect(verification.eventsChecked == 21)

                // A series across a kill -9: an intake an hour ago, attended; a weekly agreement
                // from today, accepted (4 occurrences booked); killed; restarted with housekeeping
                // every second: the same 4 occurrences, no duplicate appointment.
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let intake = try await booking.bookAppointment(
                    .with {
                        $0.idempotencyKey = "intake"
                        $0.sessionTypeID = type.id
                        $0.practitionerID.value = practice.id(.practitioner)
                        $0.clientID.value = practice.id(.client)
                        $0.locationID = location
                        $0.start = Tillit_Common_V1_Timestamp(millis: now - 3_600_000)
                        $0.outsideAvailability = true
                    }, options: scheduler
                ).appointment
                _ = try await booking.markAttended(
                    .with {
                        $0.appointmentID = intake.id
                        $0.actual = Tillit_Common_V1_TimeRange(millis: (now - 3_600_000)..<(now - 900_000))
                    }, options: practice.options(.practitioner))
                let today = Calendar(identifier: .gregorian).dateComponents(
                    in: TimeZone(identifier: "UTC")!, from: Date())
                let proposal = try await booking.proposeAgreement(
                    .with {
                        $0.agreement.clientID.value = practice.id(.client)
                        $0.agreement.goal = "Steadier days"
                        $0.agreement.everyWeeks = 1
                        // Three days from now, 23:00 UTC: clear of the 20 one-hour bookings above.
                        $0.agreement.weekday = Tillit_Identity_V1_Weekday(
                            rawValue: ((today.weekday! + 5) % 7 + 3) % 7 + 1)!
                        $0.agreement.startMinute = 23 * 60
                        $0.agreement.timeZone = "UTC"
                        $0.agreement.sessionTypeID = type.id
                        $0.agreement.locationID = location
                        $0.agreement.startDate = .with {
                            $0.year = Int32(today.year!)
                            $0.month = Int32(today.month!)
                            $0.day = Int32(today.day!)
                        }
                        $0.agreement.price.currency = "EUR"
                    }, options: practice.options(.practitioner)
                ).agreement
                let accepted = try await booking.acceptAgreement(
                    .with { $0.agreementID = proposal.id }, options: client
                ).agreement
                #expect(accepted.occurrences.count == 4, "\(accepted.occurrences)")
                #expect(accepted.occurrences.allSatisfy { $0.status == .booked }, "\(accepted.occurrences)")
                rpc.close()
                child.signal(SIGKILL)
                #expect(await child.waitForExit() == SIGKILL)
                child = try start(dataDirectory: data, identityPort: identity.port)
                address = try await child.boundAddress()
                rpc = RPCClient(host: address.host, port: address.port, configuration: try .tls(to: .booking))
                booking = Tillit_Booking_V1_Booking.Client(rpc)
                try await Task.sleep(for: .seconds(3))  // several housekeeping rounds
                let after = try await booking.getAgreement(
                    .with { $0.agreementID = proposal.id }, options: client
                ).agreement
                #expect(after.occurrences == accepted.occurrences)
                let series = try await booking.listAppointments(
                    .with {
                        $0.clientID.value = practice.id(.client)
                        $0.during = Tillit_Common_V1_TimeRange(millis: now..<(now + 40 * 86_400_000))
                        $0.page.pageSize = 200
                    }, options: scheduler
                ).appointments.filter {
                    $0.bookedBy.value == practice.id(.practitioner) && $0.status == .booked
                }
                #expect(series.count == 4)
                verification = try await booking.verifyAuditChain(.init(), options: admin)
                #expect(verification.intact, "\(verification.problem)")
                rpc.close()
                #expect(await child.stop() == 0, "\(child.log)")
            }
        }
    }
}
