import Foundation
import Testing
import TillitIntegration
import TillitServiceKit
import TillitTesting

/// The example peers a practice's own scripts start from, against the four real processes: the C
/// program on protobuf-c (`Clients/C/examples`, compiled here by its build script) and the Python
/// client on Google's protobuf runtime (`Clients/python`). Each signs a client in, searches the
/// team's slots and books the first; a retry with the same idempotency key answers the same
/// appointment, which Booking then holds.
@Suite(.timeLimit(.minutes(6))) struct PeerClientTests {
    static let root = SourceTree.root

    /// Runs `executable arguments` with `environment`; its status, standard output and error.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:])
        async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try await onOwnThread {
            let run = try SpawnedProcess.run(
                executable: executable, arguments: arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
            return (
                run.status, String(decoding: run.standardOutput, as: UTF8.self),
                String(decoding: run.standardError, as: UTF8.self)
            )
        }
    }

    @Test func theCAndPythonPeersSignInSearchAndBook() async throws {
        try await withTemporaryDirectory { folder in
            let program = folder.appendingPathComponent("book_first_slot").path
            let built = try await Self.run(
                "/bin/bash", [Self.root.appendingPathComponent("Clients/C/examples/build.sh").path, program])
            try #require(built.status == 0, "the C peer compiles: \(built.stderr)")
            try await IntegrationStack.withLocalProcesses { stack in
                let practice = try await CarePractice.bootstrap(
                    "Peers \(UUID().uuidString.prefix(8))", on: stack)
                // One client per peer: both find the same first slot time, and a client's own
                // bookings never overlap.
                let ida = practice.clients["ida"]!
                let kenji = practice.clients["kenji"]!
                let environment = [
                    "TILLIT_IDENTITY_ADDR": stack.addresses[.identity]!.description,
                    "TILLIT_BOOKING_ADDR": stack.addresses[.booking]!.description,
                    "TILLIT_TLS_CA": TestPKI.main.files.caCertificate,
                    "TILLIT_ORG": practice.organization,
                    "TILLIT_EMAIL": ida.email,
                    "TILLIT_PASSWORD": CarePractice.password,
                    "TILLIT_SESSION_TYPE": practice.sessionType,
                ]
                let python = Self.root.appendingPathComponent("Clients/python/examples/book_first_slot.py")
                    .path
                var booked: [String] = []
                for (peer, arguments, client) in [
                    (program, [String](), ida), ("/usr/bin/python3", [python], kenji),
                ] {
                    var withKey = environment
                    withKey["TILLIT_EMAIL"] = client.email
                    withKey["TILLIT_IDEMPOTENCY_KEY"] = "peer-\(booked.count)"
                    let first = try await Self.run(peer, arguments, environment: withKey)
                    #expect(first.status == 0, "\(peer): \(first.stderr)")
                    let words = first.stdout.split(separator: " ").map(String.init)
                    #expect(words.count == 3 && words[0] == "booked", "\(peer): \(first.stdout)")
                    let again = try await Self.run(peer, arguments, environment: withKey)
                    #expect(again.status == 0 && again.stdout == first.stdout, "\(peer) retried: \(again)")
                    if words.count == 3 { booked.append(words[1]) }
                }
                #expect(Set(booked).count == 2, "two appointments: \(booked)")
                for (id, client) in zip(booked, [ida, kenji]) {
                    let appointment = try await stack.booking.getAppointment(
                        .with { $0.appointmentID = id }, options: client.options
                    ).appointment
                    #expect(appointment.clientID.value == client.id && appointment.status == .booked)
                }
                var wrong = environment
                wrong["TILLIT_PASSWORD"] = "not the password"
                let refused = try await Self.run(program, [], environment: wrong)
                #expect(refused.status == 1 && refused.stderr.contains("UNAUTHENTICATED"), "\(refused)")
            }
        }
    }
}
