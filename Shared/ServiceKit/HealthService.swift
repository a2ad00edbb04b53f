import Synchronization
import TillitContracts
import TillitRPC

/// `tillit.health.v1.Health`: answers SERVING / NOT_SERVING for the server and each registered
/// service, without authentication. Unknown service names get NOT_FOUND, as in gRPC. Registered
/// conditions (`addCondition`) mark every answer `degraded` with their reasons while they report
/// a problem (e.g. a stale list of ended sessions).
public final class HealthService: Tillit_Health_V1_HealthService {
    private let statuses: Mutex<[String: Bool]>
    private let conditions = Mutex<[@Sendable () -> String?]>([])

    /// A health service that knows `services` (fully qualified names), all SERVING.
    public init(services: [String]) {
        var statuses: [String: Bool] = ["": true]
        for service in services { statuses[service] = true }
        self.statuses = Mutex(statuses)
    }

    /// Marks one service (or, with "", the server) serving or not.
    public func setServing(_ serving: Bool, service: String = "") {
        statuses.withLock { $0[service] = serving }
    }

    /// Adds a condition: while `problem` answers a reason, health answers `degraded` with it.
    public func addCondition(_ problem: @escaping @Sendable () -> String?) {
        conditions.withLock { $0.append(problem) }
    }

    /// The reasons the server is degraded now (empty when it is not).
    public func problems() -> [String] {
        conditions.withLock { $0 }.compactMap { $0() }
    }

    /// Marks everything NOT_SERVING, e.g. when graceful shutdown begins.
    public func markAllNotServing() {
        statuses.withLock { statuses in
            for key in statuses.keys { statuses[key] = false }
        }
    }

    public func check(_ request: Tillit_Health_V1_HealthCheckRequest, context: ServerContext) async throws
        -> Tillit_Health_V1_HealthCheckResponse
    {
        guard request.service.utf8.count <= 256 else {
            throw RPCError(code: .invalidArgument, message: "service name longer than 256 bytes")
        }
        guard let serving = statuses.withLock({ $0[request.service] }) else {
            throw RPCError(code: .notFound, message: "unknown service '\(request.service)'")
        }
        var response = Tillit_Health_V1_HealthCheckResponse()
        response.status = serving ? .serving : .notServing
        let reasons = problems()
        if !reasons.isEmpty {
            response.degraded = true
            response.reason = reasons.joined(separator: "; ")
        }
        return response
    }
}
