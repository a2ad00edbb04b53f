import Logging
import ServiceLifecycle
import TillitRPC
import UnixSignals

/// Runs one Tillit service process: an `RPCServer` with the service's handlers, Health,
/// authentication, one log line per call and call metrics, in a `ServiceGroup` that shuts down
/// gracefully on SIGTERM or SIGINT (Health turns NOT_SERVING first, calls in flight finish
/// within the grace period, then the remaining services, e.g. the database, are closed).
public struct ServiceHost: Sendable {
    /// The configuration read at start.
    public let configuration: ServiceConfiguration
    /// The RPC server.
    public let server: RPCServer
    /// The health service, to mark parts NOT_SERVING.
    public let health: HealthService
    private let logger: Logger
    private let companions: [any Service]

    /// A host for `services`. With a `verifier`, every method but Health needs a valid token.
    /// `companions` run beside the server and stop after it (e.g. a database closer).
    public init(
        configuration: ServiceConfiguration,
        services: [any RPCService],
        verifier: (any TokenVerifier)?,
        publicMethods: Set<String> = [],
        companions: [any Service] = [],
        logger: Logger? = nil
    ) {
        let logger = logger ?? Logger(label: "tillit.\(configuration.service.rawValue)")
        self.configuration = configuration
        self.logger = logger
        self.companions = companions
        let health = HealthService(services: services.flatMap { $0.methods.map(\.descriptor.service) })
        self.health = health
        var interceptors: [any ServerInterceptor] = []
        if let verifier {
            interceptors.append(AuthenticationInterceptor(verifier: verifier, publicMethods: publicMethods))
        }
        self.server = RPCServer(
            configuration: configuration.serverConfiguration,
            services: [health] + services,
            interceptors: interceptors,
            observers: [LoggingCallObserver(logger: logger), MetricsCallObserver()],
            logger: logger)
    }

    /// Runs until SIGTERM/SIGINT (or `group` is told to shut down) and everything has stopped.
    public func run() async throws {
        let group = makeServiceGroup(signals: [.sigterm, .sigint])
        try await group.run()
    }

    /// The service group `run()` uses; tests trigger its graceful shutdown directly.
    public func makeServiceGroup(signals: [UnixSignal]) -> ServiceGroup {
        // Services shut down in reverse order: the health marker first, then the server, then
        // companions such as the database.
        var services: [any Service] = companions
        services.append(server)
        services.append(HealthShutdownMarker(health: health))
        // MARK: ready file (stack launcher)
        if let readyFile = configuration.readyFile {
            services.append(
                ReadyFile.Writer(
                    server: server, host: configuration.listenAddress.host, path: readyFile, logger: logger))
        }
        // MARK: end ready file
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: signals,
                logger: logger))
    }
}

/// Turns Health NOT_SERVING as soon as graceful shutdown begins, so load balancers and the
/// stack launcher stop sending new work while calls in flight finish.
struct HealthShutdownMarker: Service {
    let health: HealthService

    func run() async throws {
        try? await gracefulShutdown()
        health.markAllNotServing()
    }
}
