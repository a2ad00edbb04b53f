import Foundation
import Synchronization
import TillitCLI
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The four services for the journeys: either real `tillit-*` processes this value starts (on
/// port 0, a fresh data folder, the test PKI, each behind a `TCPRelay` so that a service killed
/// and restarted on a new port keeps its address for the others), or services already running
/// at the addresses in the environment (`TILLIT_<SERVICE>_ADDR`, TLS trusting `TILLIT_TLS_CA`:
/// the compose `integration` service). Typed clients for each; the services' logs for a failure.
public final class IntegrationStack: Sendable {
    /// Where each service answers.
    public let addresses: [ServiceName: ServiceAddress]
    /// Identity's bootstrap secret: every journey bootstraps a practice of its own.
    public let bootstrapSecret: String
    /// The CA certificate file the services' certificates chain to (for `tillit`).
    public let caFile: String?
    private let securities: [ServiceName: TransportSecurity]
    private let processes: LocalProcesses?
    private let rpcs: [ServiceName: RPCClient]

    /// The services in the order they start (each calls only those before it).
    public static let order: [ServiceName] = [.identity, .booking, .notes, .supervision]

    private init(
        addresses: [ServiceName: ServiceAddress], securities: [ServiceName: TransportSecurity],
        bootstrapSecret: String, caFile: String?, processes: LocalProcesses?
    ) {
        self.addresses = addresses
        self.caFile = caFile
        self.securities = securities
        self.bootstrapSecret = bootstrapSecret
        self.processes = processes
        var rpcs: [ServiceName: RPCClient] = [:]
        for (service, address) in addresses {
            rpcs[service] = RPCClient(
                host: address.host, port: address.port,
                configuration: RPCClientConfiguration(
                    connectionsPerPeer: 1, connectTimeout: .seconds(30), defaultTimeout: .seconds(60),
                    transportSecurity: securities[service] ?? .plaintext))
        }
        self.rpcs = rpcs
    }

    /// Identity's client.
    public var identity: Tillit_Identity_V1_Identity.Client { .init(rpcs[.identity]!) }
    /// Booking's client.
    public var booking: Tillit_Booking_V1_Booking.Client { .init(rpcs[.booking]!) }
    /// Notes' client.
    public var notes: Tillit_Notes_V1_Notes.Client { .init(rpcs[.notes]!) }
    /// Supervision's client.
    public var supervision: Tillit_Supervision_V1_Supervision.Client { .init(rpcs[.supervision]!) }

    /// How a client reaches `service` (TLS trusting the stack's CA, expecting its name).
    public func security(_ service: ServiceName) -> TransportSecurity {
        securities[service] ?? .plaintext
    }

    /// Whether this stack started the services itself (and so can kill and restart them).
    public var ownsProcesses: Bool { processes != nil }

    /// SIGKILLs `service` (no goodbye, as a crash), restarts it on the same data, and waits
    /// until it is SERVING again behind the same address.
    public func killAndRestart(_ service: ServiceName) async throws {
        guard let processes else {
            throw IntegrationFailure("the services at given addresses cannot be killed")
        }
        try await processes.killAndRestart(service)
    }

    /// Every service's log so far (the processes this stack started), for a failure.
    public func logs() -> String {
        processes?.logs() ?? "(services at given addresses: their logs are theirs)"
    }

    /// Runs `body` with the four services started as local processes from the built executables,
    /// and stops them all afterwards; a failure carries every service's log.
    public static func withLocalProcesses<T: Sendable>(
        _ body: @Sendable (IntegrationStack) async throws -> T
    ) async throws -> T {
        let processes = try await LocalProcesses.start()
        let stack = IntegrationStack(
            addresses: processes.addresses, securities: try processes.securities(),
            bootstrapSecret: LocalProcesses.bootstrapSecret, caFile: TestPKI.main.files.caCertificate,
            processes: processes)
        do {
            let result = try await body(stack)
            stack.close()
            await processes.stop()
            return result
        } catch {
            let logs = stack.logs()
            stack.close()
            await processes.stop()
            throw IntegrationFailure("\(error)\n\(logs)")
        }
    }

    /// The services at `TILLIT_<SERVICE>_ADDR` in `environment`, over TLS as `tillit` connects
    /// (`TILLIT_TLS_CA`), with `TILLIT_IDENTITY_BOOTSTRAP_SECRET`.
    public static func atAddresses(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> IntegrationStack
    {
        var addresses: [ServiceName: ServiceAddress] = [:]
        var securities: [ServiceName: TransportSecurity] = [:]
        for service in order {
            guard let text = environment[service.addressVariable], let address = ServiceAddress(parsing: text)
            else {
                throw IntegrationFailure(
                    "\(service.addressVariable) must name host:port of \(service.rawValue)")
            }
            addresses[service] = address
            securities[service] = try TLSSettings.clientSecurity(for: service, environment: environment)
        }
        guard let secret = environment["TILLIT_IDENTITY_BOOTSTRAP_SECRET"], !secret.isEmpty else {
            throw IntegrationFailure("TILLIT_IDENTITY_BOOTSTRAP_SECRET must be Identity's bootstrap secret")
        }
        return IntegrationStack(
            addresses: addresses, securities: securities, bootstrapSecret: secret,
            caFile: environment["TILLIT_TLS_CA"], processes: nil)
    }

    /// Closes the clients.
    public func close() {
        for rpc in rpcs.values { rpc.close() }
    }
}

/// A journey's failure: what was expected and what happened.
public struct IntegrationFailure: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var description: String

    /// A failure saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
