import Foundation
import Logging
import TillitRPC

/// Everything a service reads from its environment, with defaults for the local stack.
/// Read once at start by `ServiceConfiguration(service:environment:)`.
public struct ServiceConfiguration: Sendable {
    /// Which service this is.
    public var service: ServiceName
    /// Where this service listens (`TILLIT_<SERVICE>_ADDR`, default `127.0.0.1:<default port>`).
    public var listenAddress: ServiceAddress
    /// Where every service listens, for calls between services.
    public var peers: [ServiceName: ServiceAddress]
    /// The folder holding the SQLite files (`TILLIT_DATA_DIR`, default `./.tillit-data`).
    public var dataDirectory: String
    /// The minimum log level (`TILLIT_LOG_LEVEL`: trace, debug, info, notice, warning, error,
    /// critical; default info).
    public var logLevel: Logger.Level
    /// Log line format (`TILLIT_LOG_FORMAT`: `logfmt` (default) or `json`).
    public var logFormat: LogFormat
    /// How long calls in flight may take to finish on SIGTERM (`TILLIT_SHUTDOWN_GRACE_SECONDS`,
    /// default 10).
    public var shutdownGracePeriod: Duration
    /// The largest frame accepted (`TILLIT_MAX_FRAME_BYTES`, default 4 MiB).
    public var maximumFrameSize: Int
    /// How often a service asks Identity for the sessions that ended
    /// (`TILLIT_REVOCATION_POLL_MILLIS`, 100–4000, default 1000; see `RevokedSessionPoller`).
    public var revocationPollInterval: Duration
    /// TLS files (`TILLIT_TLS_CERT`, `TILLIT_TLS_KEY`, `TILLIT_TLS_CA`, default the development
    /// PKI in `<data dir>/tls/`); nil only with `TILLIT_TLS=off`, which is refused unless the
    /// listen address is loopback. See `TLSSettings`.
    public var tls: TLSSettings?
    // MARK: ready file (stack launcher)
    /// Where to write the bound address and pid once listening (`TILLIT_READY_FILE`, see
    /// `ReadyFile`); nil (unset or empty) writes none.
    public var readyFile: String?
    // MARK: end ready file
    /// Where Prometheus scrapes this service's metrics over plain HTTP, `GET /metrics`
    /// (`TILLIT_<SERVICE>_METRICS_ADDR`, `host:port`, port 0 picks one and the ready file
    /// reports it); nil (unset or empty) serves none. See `MetricsEndpoint`.
    public var metricsAddress: ServiceAddress?
    /// Keys sealing the audit chain by version (`TILLIT_AUDIT_KEYS`, `<version>:<base64 of 32
    /// bytes>[,…]`, versions ≥ 1); empty means the key file `auditKeyFile`.
    public var auditKeys: [Int: Data]
    /// The version new audit events are sealed with (`TILLIT_AUDIT_KEY_VERSION`, default the
    /// highest of `auditKeys`).
    public var auditKeyVersion: Int?
    /// The audit key file used when `auditKeys` is empty (`TILLIT_AUDIT_KEY_FILE`, default
    /// `<data dir>/<service>-audit.key`, created owner-only on first start). In production, a
    /// path outside the data folder, so a copy of the data folder does not carry the key.
    public var auditKeyFile: String
    // MARK: RPC limits
    /// What peers may send and open before any token is checked: the connection caps
    /// (`TILLIT_MAX_CONNECTIONS`, default 4,096; `TILLIT_MAX_CONNECTIONS_PER_SOURCE`, default 256),
    /// the frame read timeout (`TILLIT_FRAME_READ_TIMEOUT_SECONDS`, default 10) and the budget for
    /// bytes of incomplete frames (`TILLIT_MAX_PARTIAL_FRAME_BYTES`, default 64 MiB, at least
    /// `TILLIT_MAX_FRAME_BYTES`); the metadata and method path caps are `RPCServerLimits`' defaults.
    public var limits: RPCServerLimits
    // MARK: end RPC limits

    /// How log lines are written.
    public enum LogFormat: String, Sendable {
        /// `key=value` pairs on one line.
        case logfmt
        /// One JSON object per line.
        case json
    }

    /// Reads the configuration of `service` from `environment`; throws `ConfigurationError`
    /// naming the variable when a value is malformed.
    public init(service: ServiceName, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws
    {
        self.service = service
        var peers: [ServiceName: ServiceAddress] = [:]
        for name in ServiceName.allCases {
            peers[name] = try Self.address(of: name, in: environment)
        }
        self.peers = peers
        self.listenAddress = peers[service]!
        self.dataDirectory =
            environment["TILLIT_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./.tillit-data"

        let level = environment["TILLIT_LOG_LEVEL"] ?? "info"
        guard let logLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError(
                variable: "TILLIT_LOG_LEVEL",
                message:
                    "'\(level)' is not a log level; use trace, debug, info, notice, warning, error or critical"
            )
        }
        self.logLevel = logLevel

        let format = environment["TILLIT_LOG_FORMAT"] ?? "logfmt"
        guard let logFormat = LogFormat(rawValue: format.lowercased()) else {
            throw ConfigurationError(
                variable: "TILLIT_LOG_FORMAT", message: "'\(format)' is not logfmt or json")
        }
        self.logFormat = logFormat

        let grace = try Self.integer(
            "TILLIT_SHUTDOWN_GRACE_SECONDS", in: environment, default: 10, range: 0...3600)
        self.shutdownGracePeriod = .seconds(grace)
        self.maximumFrameSize = try Self.integer(
            "TILLIT_MAX_FRAME_BYTES", in: environment, default: 4 * 1024 * 1024,
            range: 1024...(64 * 1024 * 1024))
        // At most 4 s, so a revocation reaches every service within the 5 s rule.
        self.revocationPollInterval = .milliseconds(
            try Self.integer(
                "TILLIT_REVOCATION_POLL_MILLIS", in: environment, default: 1000, range: 100...4000))
        self.tls = try TLSSettings.read(
            name: service.rawValue, dataDirectory: dataDirectory, environment: environment)
        if tls == nil, !Self.isLoopback(listenAddress.host) {
            throw ConfigurationError(
                variable: TLSSettings.modeVariable,
                message:
                    "plaintext (off) is allowed only on a loopback address, not \(listenAddress); remove it"
            )
        }
        // MARK: ready file (stack launcher)
        self.readyFile = environment[ReadyFile.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        // MARK: end ready file
        if let text = environment[service.metricsAddressVariable], !text.isEmpty {
            guard let address = ServiceAddress(parsing: text) else {
                throw ConfigurationError(
                    variable: service.metricsAddressVariable,
                    message: "'\(text)' is not host:port (e.g. 127.0.0.1:\(service.defaultMetricsPort))")
            }
            self.metricsAddress = address
        } else {
            self.metricsAddress = nil
        }
        if let text = environment["TILLIT_AUDIT_KEYS"], !text.isEmpty {
            self.auditKeys = try VersionedKeys.parse(text, variable: "TILLIT_AUDIT_KEYS", minimumVersion: 1)
        } else {
            self.auditKeys = [:]
        }
        if let text = environment["TILLIT_AUDIT_KEY_VERSION"], !text.isEmpty {
            guard let version = Int(text), auditKeys[version] != nil else {
                throw ConfigurationError(
                    variable: "TILLIT_AUDIT_KEY_VERSION",
                    message: "no key of version '\(text)' in TILLIT_AUDIT_KEYS")
            }
            self.auditKeyVersion = version
        } else {
            self.auditKeyVersion = nil
        }
        self.auditKeyFile =
            environment["TILLIT_AUDIT_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (dataDirectory as NSString).appendingPathComponent("\(service.rawValue)-audit.key")
        // MARK: RPC limits
        var limits = RPCServerLimits()
        limits.maximumConnections = try Self.integer(
            "TILLIT_MAX_CONNECTIONS", in: environment, default: limits.maximumConnections,
            range: 1...1_000_000)
        limits.maximumConnectionsPerSource = try Self.integer(
            "TILLIT_MAX_CONNECTIONS_PER_SOURCE", in: environment,
            default: limits.maximumConnectionsPerSource, range: 1...1_000_000)
        let frameSeconds = try Self.integer(
            "TILLIT_FRAME_READ_TIMEOUT_SECONDS", in: environment,
            default: Int(limits.frameReadTimeout.components.seconds), range: 1...3600)
        limits.frameReadTimeout = .seconds(frameSeconds)
        // At least one whole frame: a frame of the largest size must be able to arrive in pieces.
        limits.maximumPartialFrameBytes = try Self.integer(
            "TILLIT_MAX_PARTIAL_FRAME_BYTES", in: environment, default: limits.maximumPartialFrameBytes,
            range: maximumFrameSize...(1 << 40))
        self.limits = limits
        // MARK: end RPC limits
    }

    /// The path of this service's SQLite file, `<data dir>/<service>.db`.
    public var databasePath: String {
        (dataDirectory as NSString).appendingPathComponent("\(service.rawValue).db")
    }

    /// Whether handlers start on the connection's event loop (`RPCServerConfiguration`, the
    /// default): for services whose handlers never block a thread, which every Tillit service's
    /// are. Set by the service, not the environment.
    public var handlersOnEventLoop = true

    /// The RPC server configuration this implies.
    public var serverConfiguration: RPCServerConfiguration {
        RPCServerConfiguration(
            host: listenAddress.host, port: listenAddress.port, maximumFrameSize: maximumFrameSize,
            shutdownGracePeriod: shutdownGracePeriod, handlersOnEventLoop: handlersOnEventLoop,
            limits: limits)
    }

    private static func address(of service: ServiceName, in environment: [String: String]) throws
        -> ServiceAddress
    {
        guard let text = environment[service.addressVariable], !text.isEmpty else {
            return ServiceAddress(host: "127.0.0.1", port: service.defaultPort)
        }
        guard let address = ServiceAddress(parsing: text) else {
            throw ConfigurationError(
                variable: service.addressVariable,
                message: "'\(text)' is not host:port (e.g. 127.0.0.1:\(service.defaultPort))")
        }
        return address
    }

    private static func integer(
        _ variable: String, in environment: [String: String], default value: Int, range: ClosedRange<Int>
    ) throws -> Int {
        try ConfigurationError.integer(variable, in: environment, range: range) ?? value
    }
}
