import TillitContracts
import TillitRPC
import TillitServiceKit

/// Asks a service's Health whether it is serving.
public enum HealthProbe {
    /// What a probe found.
    public enum Result: Sendable, Equatable {
        /// The service answered SERVING.
        case serving
        /// The service answered, but not SERVING.
        case notServing
        /// No answer: the reason.
        case unreachable(String)

        /// `SERVING`, `NOT_SERVING` or `UNREACHABLE`.
        public var label: String {
            switch self {
            case .serving: "SERVING"
            case .notServing: "NOT_SERVING"
            case .unreachable: "UNREACHABLE"
            }
        }
    }

    /// Checks the server at `address` once, within `timeout`, over `security` (TLS for a
    /// service; plaintext for test stand-ins).
    public static func check(
        _ address: ServiceAddress, timeout: Duration = .seconds(2), security: TransportSecurity = .plaintext
    ) async -> Result {
        await probe(address, timeout: timeout, security: security).result
    }

    /// Checks the server at `address` once, within `timeout`, over `security`: the result and,
    /// when the server says it is degraded (e.g. its list of ended sessions is stale), why.
    public static func probe(
        _ address: ServiceAddress, timeout: Duration = .seconds(2), security: TransportSecurity = .plaintext
    ) async -> (result: Result, degraded: String?) {
        let client = RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(
                connectionsPerPeer: 1, connectTimeout: timeout, transportSecurity: security))
        defer { client.close() }
        do {
            let response = try await Tillit_Health_V1_Health.Client(client).check(
                Tillit_Health_V1_HealthCheckRequest(), options: CallOptions(timeout: timeout))
            let degraded = response.degraded ? (response.reason.isEmpty ? "degraded" : response.reason) : nil
            return (response.status == .serving ? .serving : .notServing, degraded)
        } catch let error as RPCError {
            return (.unreachable(error.message), nil)
        } catch {
            return (.unreachable("\(error)"), nil)
        }
    }
}
