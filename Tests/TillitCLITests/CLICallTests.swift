import Foundation
import Testing
import TillitCLI
import TillitContracts
import TillitTesting

/// `tillit call` through the real binary against real `tillit-identity` and `tillit-booking`.
@Suite(.timeLimit(.minutes(6))) struct CLICallTests {
    @Test func listsEveryGeneratedMethodWithItsTypes() async throws {
        let run = try await runTillit(["call", "--list"])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        for service in TillitServiceRegistry.services where service.package != "tillit.testing.v1" {
            for method in service.methods {
                let line =
                    "  \(method.descriptor.service)/\(method.descriptor.method)(\(method.requestType.protoMessageName))"
                    + " returns (\(method.responseType.protoMessageName))"
                #expect(lines.contains(line), "\(line) is listed")
            }
        }
        let booking = try await runTillit(["call", "--list", "booking"])
        #expect(booking.status == 0)
        #expect(booking.output.contains("Booking/SearchSlots(tillit.booking.v1.SearchSlotsRequest)"))
        #expect(!booking.output.contains("tillit.notes.v1"))
        #expect(booking.output.contains("tillit.health.v1.Health/Check"))
    }

    @Test func callsWithTheSessionPrintsJSONAndStatusesAndFollowsOneTrace() async throws {
        let practice = try await CLIBookingTests.practice()
        defer { practice.stack.tearDown() }
        let admin = practice.admin

        // JSON in, JSON out, with the admin's token.
        let organization = try await admin.run(["call", "identity", "GetOrganization"])
        #expect(organization.status == 0, "\(organization)")
        #expect(
            organization.value("organization", "id", "value") as? String == practice.organization,
            "\(organization)")
        #expect(organization.stderr.contains("status: OK"), "\(organization)")

        // A call Booking answers by asking Identity (the contact policy): one trace id in both logs.
        let window = try await practice.practitioner.run(
            ["call", "booking", "Booking/CheckContactWindow"],
            stdin: #"{"practitionerId": {"value": "\#(practice.practitionerID)"}}"#)
        #expect(window.status == 0, "\(window)")
        #expect(window.json != nil, "\(window)")
        let traceLine = try #require(
            window.stderr.split(separator: "\n").first { $0.hasPrefix("trace_id: ") })
        let trace = String(traceLine.dropFirst("trace_id: ".count))
        #expect(trace.count == 32)
        #expect(
            await eventually {
                practice.stack.booking.log.contains("trace_id=\(trace)")
                    && practice.stack.identity.child.log.contains("trace_id=\(trace)")
            }, "trace \(trace) in both services' logs")

        // A field the request does not have: a clear error, exit 65, nothing sent.
        let bad = try await admin.run([
            "call", "booking", "SearchSlots", "--data", #"{"sessionTypeId": "x", "nope": 1}"#,
        ])
        #expect(bad.status == 65, "\(bad)")
        #expect(bad.stderr.contains("not a tillit.booking.v1.SearchSlotsRequest"), "\(bad)")
        #expect(bad.stderr.contains("unknown field 'nope'"), "\(bad)")
        let notJSON = try await admin.run(["call", "booking", "SearchSlots", "--data", "{"])
        #expect(notJSON.status == 65, "\(notJSON)")

        // A secret is never a flag value; on standard input it is sent (and here refused by Identity).
        let flagged = try await admin.run([
            "call", "identity", "ChangePassword", "--data", #"{"newPassword": "x"}"#,
        ])
        #expect(
            flagged.status == 64 && flagged.stderr.contains("'newPassword' looks like a secret"), "\(flagged)"
        )
        let piped = try await admin.run(
            ["call", "identity", "ChangePassword", "--data", "-"],
            stdin: #"{"currentPassword": "wrong", "newPassword": "x"}"#)
        #expect(piped.stderr.contains("status: "), "\(piped)")
        #expect(piped.status != 0 && piped.status != 64, "\(piped)")

        // A status from the server: printed, and the exit code follows it.
        let missing = try await admin.run([
            "call", "booking", "GetAppointment", "--data",
            #"{"appointmentId": "\#(UUID().uuidString.lowercased())"}"#,
        ])
        #expect(missing.status == 66, "\(missing)")
        #expect(missing.stderr.contains("status: NOT_FOUND"), "\(missing)")
        #expect(missing.stdout.isEmpty, "\(missing)")

        // An unknown method is a usage error naming the list.
        let unknown = try await admin.run(["call", "booking", "Frobnicate"])
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("tillit call --list booking"), "\(unknown)")

        // The service keeps serving, and without a session only public methods answer.
        let health = try await admin.run(["call", "booking", "Health/Check"])
        #expect(health.status == 0 && health.stdout.contains("SERVING_STATUS_SERVING"), "\(health)")
        let stranger = practice.stack.user("stranger")
        let anonymous = try await stranger.run(["call", "identity", "GetOrganization"])
        #expect(anonymous.status == 77, "\(anonymous)")
        #expect(anonymous.stderr.contains("status: UNAUTHENTICATED"), "\(anonymous)")
    }
}
