import Foundation
import Logging
import TillitBooking
import TillitContracts
import TillitIdentity
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitSupervision

/// The four services in this process over TLS in a fresh data folder (`synchronous=FULL`), as
/// `tillit stack up` runs them, with a client of each: what the service benchmarks measure.
struct BenchStack {
    let identity: Tillit_Identity_V1_Identity.Client
    let booking: Tillit_Booking_V1_Booking.Client
    let notes: Tillit_Notes_V1_Notes.Client
    let supervision: Tillit_Supervision_V1_Supervision.Client
    /// Each service's database file.
    let databasePaths: [ServiceName: String]

    /// Starts the services, runs `body`, stops them and removes the folder.
    static func with<T: Sendable>(
        notesKeys: NoteKeyRing? = nil, _ body: (BenchStack) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-bench-stack-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let environment = ["TILLIT_DATA_DIR": directory]
        func configuration(_ service: ServiceName, _ peers: [ServiceName: Int] = [:]) throws
            -> ServiceConfiguration
        {
            var variables = environment
            variables[service.addressVariable] = "127.0.0.1:0"
            for (peer, port) in peers { variables[peer.addressVariable] = "127.0.0.1:\(port)" }
            var configuration = try ServiceConfiguration(service: service, environment: variables)
            configuration.shutdownGracePeriod = .seconds(5)
            return configuration
        }
        var identitySettings = IdentityConfiguration()
        identitySettings.passwordParameters = PasswordParameters(n: 1024, r: 8, p: 1)
        let identityHost = try IdentityServer.makeHost(
            configuration: try configuration(.identity), identity: identitySettings, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            var groups = [identityHost.makeServiceGroup(signals: [])]
            tasks.addTask { [group = groups[0]] in try await group.run() }
            let identityPort = try await identityHost.server.localPort
            let bookingConfiguration = try configuration(.booking, [.identity: identityPort])
            let bookingHost = try BookingServer.makeHost(configuration: bookingConfiguration, logger: logger)
            groups.append(bookingHost.makeServiceGroup(signals: []))
            tasks.addTask { [group = groups[1]] in try await group.run() }
            let bookingPort = try await bookingHost.server.localPort
            let notesConfiguration = try configuration(
                .notes, [.identity: identityPort, .booking: bookingPort])
            let notesHost = try NotesServer.makeHost(
                configuration: notesConfiguration, notes: NotesConfiguration(), keys: notesKeys,
                logger: logger)
            groups.append(notesHost.makeServiceGroup(signals: []))
            tasks.addTask { [group = groups[2]] in try await group.run() }
            let notesPort = try await notesHost.server.localPort
            let supervisionConfiguration = try configuration(
                .supervision, [.identity: identityPort, .booking: bookingPort, .notes: notesPort])
            let supervisionHost = try SupervisionServer.makeHost(
                configuration: supervisionConfiguration, supervision: SupervisionConfiguration(),
                logger: logger)
            groups.append(supervisionHost.makeServiceGroup(signals: []))
            tasks.addTask { [group = groups[3]] in try await group.run() }
            let supervisionPort = try await supervisionHost.server.localPort
            func client(_ service: ServiceName, _ port: Int) throws -> RPCClient {
                RPCClient(
                    host: "127.0.0.1", port: port,
                    configuration: RPCClientConfiguration(
                        transportSecurity: try TLSSettings.clientSecurity(
                            for: service, environment: environment)))
            }
            let clients = [
                try client(.identity, identityPort), try client(.booking, bookingPort),
                try client(.notes, notesPort),
                try client(.supervision, supervisionPort),
            ]
            let stack = BenchStack(
                identity: Tillit_Identity_V1_Identity.Client(clients[0]),
                booking: Tillit_Booking_V1_Booking.Client(clients[1]),
                notes: Tillit_Notes_V1_Notes.Client(clients[2]),
                supervision: Tillit_Supervision_V1_Supervision.Client(clients[3]),
                databasePaths: [
                    .booking: bookingConfiguration.databasePath, .notes: notesConfiguration.databasePath,
                    .supervision: supervisionConfiguration.databasePath,
                ])
            let result: T
            do {
                result = try await body(stack)
            } catch {
                for client in clients { client.close() }
                for group in groups.reversed() { await group.triggerGracefulShutdown() }
                try? await tasks.waitForAll()
                throw error
            }
            for client in clients { client.close() }
            for group in groups.reversed() { await group.triggerGracefulShutdown() }
            try await tasks.waitForAll()
            return result
        }
    }
}
