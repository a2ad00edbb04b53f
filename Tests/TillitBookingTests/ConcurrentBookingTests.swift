import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Two appointments of one practitioner never overlap under any concurrency.
@Suite(.timeLimit(.minutes(5)))
struct ConcurrentBookingTests {
    @Test func twoHundredOverlappingAttemptsFromManyConnectionsBookExactlyOne() async throws {
        try await withBooking { harness in
            let type = try await harness.sessionType()
            try await harness.weekdays()
            // Ten clients, so that the clients' own overlap rule is not what refuses.
            var created: [String] = []
            for index in 0..<10 {
                created.append(
                    try await harness.identity.identity.createClientAccount(
                        .with {
                            $0.email = "concurrent\(index)@example.com"
                            $0.displayName = "Client \(index)"
                        }, options: harness.options(.admin)
                    ).account.id.value)
            }
            let clients = created
            let configuration = try RPCClientConfiguration.tls(to: .booking)
            let connections = (0..<20).map { _ in
                RPCClient(host: "127.0.0.1", port: harness.bookingRPC.port, configuration: configuration)
            }
            defer { connections.forEach { $0.close() } }
            let base = instant("2026-03-24T08:00:00Z")
            let options = harness.options(.scheduler)
            // Starts 08:00, 08:01, … 08:39 UTC, all overlapping 08:00–09:00 held time.
            let outcomes = await withTaskGroup(of: StatusCode.self) { group in
                for attempt in 0..<200 {
                    group.addTask {
                        var request = harness.request(
                            type, at: base.addingTimeInterval(Double(attempt % 40) * 60),
                            client: clients[attempt % 10])
                        request.outsideAvailability = attempt % 40 != 0
                        let booking = Tillit_Booking_V1_Booking.Client(
                            connections[attempt % connections.count])
                        do {
                            _ = try await booking.bookAppointment(request, options: options)
                            return .ok
                        } catch let error as RPCError {
                            return error.code
                        } catch {
                            return .unknown
                        }
                    }
                }
                var codes: [StatusCode] = []
                for await code in group { codes.append(code) }
                return codes
            }
            #expect(outcomes.filter { $0 == .ok }.count == 1, "\(outcomes)")
            #expect(outcomes.allSatisfy { [.ok, .failedPrecondition, .aborted].contains($0) }, "\(outcomes)")
            let stored = try await harness.booking.listAppointments(
                .with {
                    $0.practitionerID.value = harness.id(.practitioner)
                    $0.during = Tillit_Common_V1_TimeRange(
                        millis: Int64(
                            base.timeIntervalSince1970 * 1000 - 86_400_000)..<Int64(
                                base.timeIntervalSince1970 * 1000 + 86_400_000))
                }, options: options
            ).appointments
            #expect(stored.count == 1)
            #expect(stored.allSatisfy { $0.status == .booked })
        }
    }
}
