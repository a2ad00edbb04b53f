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
    /// Serves Prometheus metrics when `configuration.metricsAddress` is set.
    public let metrics: MetricsEndpoint?

    /// A host for `services`. With a `verifier`, every call passes `policy` (every method but
    /// the public ones needs a valid token that the method's rule admits).
    /// `companions` run beside the server and stop after it (e.g. a database closer; see
    /// `onShutdown`). `revocations` (every service but Identity: the poller filling the
    /// verifier's `RevokedSessions` from Identity) runs beside the server, and health reports
    /// `degraded` while its list is stale. Throws
    /// `ConfigurationError` when the TLS files cannot be used.
    public init(
        configuration: ServiceConfiguration,
        services: [any RPCService],
        verifier: (any TokenVerifier)?,
        policy: AccessPolicy,
        revocations: RevokedSessionPoller? = nil,
        companions: [any Service] = [],
        logger: Logger? = nil
    ) throws {
        try self.init(
            configuration: configuration, services: services,
            authentication: verifier.map { AuthenticationInterceptor(verifier: $0, policy: policy) },
            revocations: revocations, companions: companions, logger: logger)
    }

    /// A host for `services`. With a `verifier`, every method but Health and `publicMethods`
    /// needs a valid token (authentication only: no access table). Throws `ConfigurationError`
    /// when the TLS files cannot be used.
    public init(
        configuration: ServiceConfiguration,
        services: [any RPCService],
        verifier: (any TokenVerifier)?,
        publicMethods: Set<String> = [],
        revocations: RevokedSessionPoller? = nil,
        companions: [any Service] = [],
        logger: Logger? = nil
    ) throws {
        try self.init(
            configuration: configuration, services: services,
            authentication: verifier.map {
                AuthenticationInterceptor(verifier: $0, publicMethods: publicMethods)
            },
            revocations: revocations, companions: companions, logger: logger)
    }

    private init(
        configuration: ServiceConfiguration,
        services: [any RPCService],
        authentication: AuthenticationInterceptor?,
        revocations: RevokedSessionPoller?,
        companions: [any Service],
        logger: Logger?
    ) throws {
        let logger = logger ?? Logger(label: "tillit.\(configuration.service.rawValue)")
        self.configuration = configuration
        self.logger = logger
        // The poller starts first and stops last: the server never runs on a list no one updates.
        let metrics = configuration.metricsAddress.map { MetricsEndpoint(address: $0, logger: logger) }
        self.metrics = metrics
        self.companions = (revocations.map { [$0] } ?? []) + (metrics.map { [$0] } ?? []) + companions
        let health = HealthService(services: services.flatMap { $0.methods.map(\.descriptor.service) })
        if let revocations {
            health.addCondition { revocations.problem }
        }
        self.health = health
        // A caller claiming to be a service (x-calling-service) must hold its certificate.
        var interceptors: [any ServerInterceptor] = [CallingServiceInterceptor()]
        if let authentication { interceptors.append(authentication) }
        var serverConfiguration = configuration.serverConfiguration
        serverConfiguration.transportSecurity = try configuration.makeServerTransportSecurity()
        self.server = RPCServer(
            configuration: serverConfiguration,
            services: [health] + services,
            interceptors: interceptors,
            observers: [
                LoggingCallObserver(logger: logger),
                MetricsCallObserver(
                    knownPaths: Set(([health] + services).flatMap { $0.methods.map(\.descriptor.path) })),
            ],
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
        let health = self.health
        services.append(Self.onShutdown { health.markAllNotServing() })
        if let readyFile = configuration.readyFile {
            // Tells the stack launcher (or a test) the address actually bound, once it is.
            services.append(
                ReadyFile.Writer(
                    server: server, host: configuration.listenAddress.host, metrics: metrics, path: readyFile,
                    logger: logger))
        }
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: signals,
                logger: logger))
    }
}

extension ServiceHost {
    /// A companion that waits for graceful shutdown (or cancellation), then runs `body` — e.g.
    /// closing the database or stopping worker threads once the server has stopped.
    public static func onShutdown(_ body: @escaping @Sendable () async throws -> Void) -> some Service {
        ClosureService {
            try? await gracefulShutdown()
            try await body()
        }
    }
}
