import Foundation
import Logging
import Synchronization
import Testing
import TillitContracts

@testable import TillitRPC

/// Records what handlers observed, for assertions from the test.
final class Probe: Sendable {
    private let state = Mutex<[String]>([])

    func record(_ event: String) {
        state.withLock { $0.append(event) }
    }

    var events: [String] { state.withLock { $0 } }

    /// Waits until `event` was recorded or `timeout` passes (generous: a wait, not a bound).
    func waitFor(_ event: String, timeout: Duration = .seconds(30)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if events.contains(event) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return events.contains(event)
    }
}

struct SecretError: Error, CustomStringConvertible {
    var description: String { "SELECT * FROM secrets -- stack trace at Handler.swift:42" }
}

/// The Echo service used by the RPC tests: echoes text and data, sleeps, fails on request.
struct EchoService: RPCService {
    static let echo = MethodDescriptor(service: "tillit.testing.v1.Echo", method: "Echo")
    static let length = MethodDescriptor(service: "tillit.testing.v1.Raw", method: "Length")
    static let relay = MethodDescriptor(service: "tillit.testing.v1.Raw", method: "Relay")
    static let grow = MethodDescriptor(service: "tillit.testing.v1.Raw", method: "Grow")

    let probe: Probe
    /// Where Relay forwards its call.
    let relayTarget: RPCClient?

    init(probe: Probe = Probe(), relayTarget: RPCClient? = nil) {
        self.probe = probe
        self.relayTarget = relayTarget
    }

    var methods: [RPCMethod] {
        [
            RPCMethod.unary(Self.echo) { (request: Tillit_Testing_V1_EchoRequest, context) in
                try await self.echo(request, context: context)
            },
            RPCMethod(Self.length) { payload, _ in
                Data(String(payload.count).utf8)
            },
            RPCMethod(Self.grow) { payload, _ in
                Data(count: payload.count + 1024)
            },
            RPCMethod.unary(Self.relay) { (request: Tillit_Testing_V1_EchoRequest, context) in
                guard let relayTarget else {
                    throw RPCError(code: .failedPrecondition, message: "no relay target")
                }
                return try await relayTarget.unary(
                    Self.echo, request: request, response: Tillit_Testing_V1_EchoResponse.self)
            },
        ]
    }

    func echo(_ request: Tillit_Testing_V1_EchoRequest, context: ServerContext) async throws
        -> Tillit_Testing_V1_EchoResponse
    {
        probe.record("start:\(request.text)")
        if request.delayMillis > 0 {
            do {
                try await Task.sleep(for: .milliseconds(Int(request.delayMillis)))
            } catch {
                probe.record("cancelled:\(request.text)")
                throw error
            }
        }
        if request.failCode == -1 { throw SecretError() }
        if request.failCode != 0 {
            throw RPCError(
                code: StatusCode(wireValue: request.failCode), message: "asked to fail: \(request.text)")
        }
        var response = Tillit_Testing_V1_EchoResponse()
        response.text = request.text
        response.data = request.data
        response.seenMetadata = context.metadata.map { "\($0.key)=\($0.value)" }
        if let remaining = context.remaining {
            response.remainingMicros = UInt64(max(0, remaining.nanoseconds / 1000))
        }
        probe.record("done:\(request.text)")
        return response
    }
}

/// Collects call summaries reported by the server.
final class RecordingObserver: CallObserver {
    private let summaries = Mutex<[CallSummary]>([])

    func callFinished(_ summary: CallSummary) {
        summaries.withLock { $0.append(summary) }
    }

    var all: [CallSummary] { summaries.withLock { $0 } }
}

func echoRequest(_ text: String, delayMillis: UInt32 = 0, failCode: Int32 = 0)
    -> Tillit_Testing_V1_EchoRequest
{
    var request = Tillit_Testing_V1_EchoRequest()
    request.text = text
    request.delayMillis = delayMillis
    request.failCode = failCode
    return request
}

/// Test servers log only problems, so test output stays readable.
let quietLogger: Logger = {
    var logger = Logger(label: "tillit.rpc.test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` with an Echo server on an ephemeral loopback port and a client of it.
func withEchoServer<T>(
    configuration: RPCServerConfiguration = RPCServerConfiguration(),
    clientConfiguration: RPCClientConfiguration = RPCClientConfiguration(),
    probe: Probe = Probe(),
    observers: [any CallObserver] = [],
    _ body: (RPCServer, RPCClient) async throws -> T
) async throws -> T {
    try await withRPCServer(
        configuration: configuration, services: [EchoService(probe: probe)], observers: observers,
        logger: quietLogger
    ) { server in
        let port = try await server.localPort
        return try await withRPCClient(host: "127.0.0.1", port: port, configuration: clientConfiguration) {
            client in
            try await body(server, client)
        }
    }
}
