import Foundation
import Logging
import ServiceLifecycle
import TillitRPC
import TillitServiceKit

/// A service running in-process for a test: its host (server on an ephemeral loopback port)
/// and a client connected to it.
public struct RunningService: Sendable {
    /// The host being run.
    public let host: ServiceHost
    /// A client of the host's server.
    public let rpc: RPCClient
    /// The port the server bound.
    public let port: Int
    /// The data folder the service's SQLite file is in.
    public let dataDirectory: String
}

/// A `ServiceConfiguration` for `service` listening on port 0 (the kernel picks a free port,
/// read back from the server) with its data in `dataDirectory`, a short shutdown grace, and TLS
/// with the service's certificate from `TestPKI.main` (unless `environment` sets `TILLIT_TLS*`).
public func testConfiguration(
    _ service: ServiceName, dataDirectory: String, environment: [String: String] = [:]
) throws -> ServiceConfiguration {
    var variables = environment
    if !environment.keys.contains(where: { $0.hasPrefix("TILLIT_TLS") }) {
        variables.merge(TestPKI.main.environment(for: service.rawValue)) { own, _ in own }
    }
    variables[service.addressVariable] = "127.0.0.1:0"
    variables["TILLIT_DATA_DIR"] = dataDirectory
    var configuration = try ServiceConfiguration(service: service, environment: variables)
    configuration.shutdownGracePeriod = .seconds(5)
    return configuration
}

/// A logger that drops everything (tests read results, not logs).
public let quietLogger = Logger(label: "tillit.test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` against the host `makeHost` builds (on a thread of its own) from a port-0
/// configuration of `service` (TLS with `TestPKI.main`, see `testConfiguration`)
/// (in `dataDirectory`, or a fresh temporary folder removed afterwards), with a client
/// connected to the bound port; then shuts the host down gracefully and waits for it.
public func withRunningService<T: Sendable>(
    _ service: ServiceName,
    dataDirectory: String? = nil,
    environment: [String: String] = [:],
    makeHost: @escaping @Sendable (ServiceConfiguration) throws -> ServiceHost,
    _ body: (RunningService) async throws -> T
) async throws -> T {
    let directory = try dataDirectory ?? makeTemporaryDirectory(prefix: "tillit-\(service.rawValue)").path
    defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let configuration = try testConfiguration(service, dataDirectory: directory, environment: environment)
    // Opening and migrating the database is synchronous file work: off the cooperative pool, so
    // many services starting at once do not stall every other test's servers.
    let host = try await onOwnThread { try makeHost(configuration) }
    let group = host.makeServiceGroup(signals: [])
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let port = try await host.server.localPort
            // Over TLS (trusting the test CA, expecting the service's name) unless plaintext.
            let security =
                configuration.tls == nil
                ? TransportSecurity.plaintext : try TestPKI.main.client(serverName: service.rawValue)
            let rpc = RPCClient(
                host: "127.0.0.1", port: port,
                configuration: RPCClientConfiguration(
                    connectTimeout: RPCClientConfiguration.testConnectTimeout, transportSecurity: security))
            defer { rpc.close() }
            let result = try await body(
                RunningService(host: host, rpc: rpc, port: port, dataDirectory: directory))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// Call options carrying `Bearer <token>` (and optionally `x-on-behalf-of`, and the relayed
/// token of that account in `x-on-behalf-of-token`).
public func bearer(_ token: String, onBehalfOf: String? = nil, relaying userToken: String? = nil)
    -> CallOptions
{
    var metadata = Metadata()
    metadata.add(Metadata.Key.authorization, "Bearer \(token)")
    if let onBehalfOf { metadata.add(Metadata.Key.onBehalfOf, onBehalfOf) }
    if let userToken { metadata.add(AuthenticationInterceptor.relayedTokenKey, userToken) }
    return CallOptions(metadata: metadata)
}
