import Foundation
import Synchronization
import TillitContracts
import TillitRPC

/// The bearer token the interop server accepts.
let interopToken = "Bearer interop-token"

/// The Echo service for the interop tests: echoes text and data, reports the metadata and
/// deadline it saw, fails on request, and records every request it decoded.
struct InteropEchoService: RPCService {
    /// `/tillit.testing.v1.Echo/Echo`.
    static let echo = MethodDescriptor(service: "tillit.testing.v1.Echo", method: "Echo")

    /// The requests the handler received, as swift-protobuf decoded them.
    let received = RequestLog()

    var methods: [RPCMethod] {
        [
            RPCMethod.unary(Self.echo) { (request: Tillit_Testing_V1_EchoRequest, context) in
                received.append(request)
                if request.delayMillis > 0 {
                    try await Task.sleep(for: .milliseconds(Int(request.delayMillis)))
                }
                if request.failCode != 0 {
                    throw RPCError(
                        code: StatusCode(wireValue: request.failCode),
                        message: "asked to fail: \(request.text)")
                }
                var response = Tillit_Testing_V1_EchoResponse()
                response.text = request.text
                response.data = request.data
                response.seenMetadata = context.metadata.map { "\($0.key)=\($0.value)" }
                if let remaining = context.remaining {
                    let (seconds, attoseconds) = remaining.components
                    response.remainingMicros = UInt64(
                        max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                }
                return response
            }
        ]
    }
}

/// The requests a test service received, in order.
final class RequestLog: Sendable {
    private let requests = Mutex<[Tillit_Testing_V1_EchoRequest]>([])

    /// Records a request.
    func append(_ request: Tillit_Testing_V1_EchoRequest) {
        requests.withLock { $0.append(request) }
    }

    /// Everything recorded so far.
    var all: [Tillit_Testing_V1_EchoRequest] { requests.withLock { $0 } }
}

/// `tillit.health.v1.Health`: SERVING for the server as a whole and for the services it knows,
/// NOT_FOUND for any other service name.
struct InteropHealthService: RPCService {
    /// `/tillit.health.v1.Health/Check`.
    static let check = MethodDescriptor(service: "tillit.health.v1.Health", method: "Check")

    /// The services this server reports as serving.
    let services: Set<String>

    var methods: [RPCMethod] {
        [
            RPCMethod.unary(Self.check) { (request: Tillit_Health_V1_HealthCheckRequest, _) in
                guard request.service.isEmpty || services.contains(request.service) else {
                    throw RPCError(code: .notFound, message: "unknown service \(request.service)")
                }
                var response = Tillit_Health_V1_HealthCheckResponse()
                response.status = .serving
                return response
            }
        ]
    }
}

/// Requires `authorization: Bearer interop-token` on every call except health checks.
struct InteropAuthInterceptor: ServerInterceptor {
    func intercept(
        _ request: Data, context: ServerContext, next: @Sendable (Data, ServerContext) async throws -> Data
    ) async throws -> Data {
        if context.method.service != InteropHealthService.check.service,
            context.metadata[Metadata.Key.authorization] != interopToken
        {
            throw RPCError(code: .unauthenticated, message: "missing or invalid bearer token")
        }
        return try await next(request, context)
    }
}

/// Runs `body` with an in-process Swift server (Echo and Health, authentication as above) on an
/// ephemeral loopback port.
func withInteropServer<T>(
    echo: InteropEchoService = InteropEchoService(),
    transportSecurity: TransportSecurity = .plaintext,
    _ body: (_ port: UInt16) async throws -> T
) async throws -> T {
    try await withRPCServer(
        configuration: RPCServerConfiguration(transportSecurity: transportSecurity),
        services: [echo, InteropHealthService(services: [InteropEchoService.echo.service])],
        interceptors: [InteropAuthInterceptor()]
    ) { server in
        try await body(UInt16(try await server.localPort))
    }
}
