import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Metrics as Prometheus scrapes them: a real `tillit-identity` process with
/// `TILLIT_IDENTITY_METRICS_ADDR`, scraped over HTTP, its exposition parsed line by line.
@Suite(.timeLimit(.minutes(5)))
struct MetricsEndpointTests {
    private static let health = MethodDescriptor(service: "tillit.health.v1.Health", method: "Check")
    private static let getOrganization = MethodDescriptor(
        service: "tillit.identity.v1.Identity", method: "GetOrganization")

    @Test func aRealServiceServesItsCallsConnectionsAndFrameErrors() async throws {
        try await withTemporaryDirectory { directory in
            let child = try ChildProcess(
                executable: Built.identity,
                environment: [
                    "TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_TLS": "off",
                    "TILLIT_DATA_DIR": directory.appendingPathComponent("data").path,
                    "TILLIT_IDENTITY_METRICS_ADDR": "127.0.0.1:0",
                    // The bootstrap hashes a password: the cheapest cost, on a machine kept busy.
                    "TILLIT_IDENTITY_SCRYPT_LOG2_N": "10",
                ], name: "identity")
            let address = try await child.boundAddress()
            let metrics = try #require(ReadyFile.metricsAddress(from: child.readyFile), "\(child.log)")
            #expect(metrics.host == "127.0.0.1")
            #expect(metrics.port != 0)

            let client = RPCClient(host: address.host, port: address.port)
            defer { client.close() }
            // Generous: the whole suite runs in parallel on 2 cores.
            let options = CallOptions(timeout: .seconds(90))
            for _ in 0..<3 {
                _ = try await client.call(Self.health, payload: Data(), options: options)
            }
            // A write: bootstrap on the empty database.
            let identity = Tillit_Identity_V1_Identity.Client(client)
            _ = try await identity.bootstrap(IdentityHarness.bootstrapRequest(), options: options)
            await expectRPCError(.unauthenticated) {
                _ = try await client.call(Self.getOrganization, payload: Data(), options: options)
            }
            // Paths a caller makes up are counted together, never one series each.
            for index in 0..<3 {
                await expectRPCError(.unimplemented) {
                    _ = try await client.call(
                        MethodDescriptor(service: "made.up.v1.Service\(index)", method: "Probe"),
                        payload: Data(),
                        options: options)
                }
            }
            // A peer that sends a frame that is not protobuf is cut off, and counted.
            try await Self.sendGarbageFrame(to: address)

            // Observers count a call just after its answer is sent: scrape until they have.
            var exposition = try PrometheusText("")
            let counted = await eventually(timeout: .seconds(60)) {
                guard let response = try? await HTTPScrape.get(port: metrics.port),
                    let parsed = try? PrometheusText(response.body)
                else { return false }
                exposition = parsed
                return parsed.value("tillit_rpc_calls_total", ["code": "UNAUTHENTICATED"]) == 1
                    && parsed.value("tillit_rpc_frame_errors_total", ["kind": "malformed"]) == 1
            }
            #expect(counted, "\(exposition.samples.filter { $0.name.hasPrefix("tillit_rpc") })")
            let healthPath = Self.health.path
            #expect(
                exposition.value("tillit_rpc_calls_total", ["method": "other", "code": "UNIMPLEMENTED"]) == 3)
            #expect(!exposition.samples.contains { $0.labels["method"]?.contains("made.up") == true })
            #expect(exposition.value("tillit_rpc_calls_total", ["method": healthPath, "code": "OK"]) == 3)
            #expect(
                exposition.value(
                    "tillit_rpc_calls_total",
                    ["method": Self.getOrganization.path, "code": "UNAUTHENTICATED"])
                    == 1)
            #expect(exposition.value("tillit_rpc_call_duration_seconds_count", ["method": healthPath]) == 3)
            #expect(
                exposition.value(
                    "tillit_rpc_call_duration_seconds_bucket", ["method": healthPath, "le": "+Inf"]) == 3)
            #expect(exposition.types["tillit_rpc_call_duration_seconds"] == "histogram")
            #expect(exposition.value("tillit_rpc_calls_in_flight") == 0)
            // The client's connection (or connections) stay open; the garbage one was closed.
            #expect((exposition.value("tillit_rpc_connections") ?? 0) >= 1)
            #expect((exposition.value("tillit_rpc_connections_accepted_total") ?? 0) >= 2)
            #expect(exposition.value("tillit_token_verifier_cache_total", ["result": "hit"]) != nil)
            let writes =
                (exposition.value("tillit_sqlite_write_duration_seconds_count", ["writer": "single"]) ?? 0)
                + (exposition.value("tillit_sqlite_write_duration_seconds_count", ["writer": "group"]) ?? 0)
            #expect(writes >= 1, "\(exposition.samples.filter { $0.name.hasPrefix("tillit_sqlite") })")

            #expect(try await HTTPScrape.get(port: metrics.port, path: "/").status == 404)
            #expect(try await HTTPScrape.get(port: metrics.port, method: "POST").status == 405)
            let scrape = try await HTTPScrape.get(port: metrics.port)
            #expect(scrape.status == 200)
            #expect(scrape.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(await child.stop() == 0)
        }
    }

    @Test func aMalformedAddressIsAConfigurationError() throws {
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(service: .notes, environment: ["TILLIT_NOTES_METRICS_ADDR": "nine"])
        }
        #expect(
            try ServiceConfiguration(
                service: .notes, environment: ["TILLIT_NOTES_METRICS_ADDR": "0.0.0.0:9103"]
            )
            .metricsAddress == ServiceAddress(host: "0.0.0.0", port: 9103))
        #expect(try ServiceConfiguration(service: .notes, environment: [:]).metricsAddress == nil)
    }

    @Test func theExpositionParserRefusesAMalformedLine() throws {
        #expect(throws: PrometheusText.Malformed.self) { try PrometheusText("ok 1\nnot a sample\n") }
        #expect(throws: PrometheusText.Malformed.self) { try PrometheusText(#"a{b="c" 1"#) }
        let parsed = try? PrometheusText("# TYPE a counter\na{b=\"c\\\"d\",e=\"\"} 2\n")
        #expect(parsed?.value("a", ["b": "c\"d", "e": ""]) == 2)
    }

    /// Connects, sends a length prefix and 8 bytes that are not a frame, and waits for the close.
    private static func sendGarbageFrame(to address: ServiceAddress) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: address.host, port: address.port).get()
        var buffer = channel.allocator.buffer(capacity: 12)
        buffer.writeInteger(UInt32(8))
        buffer.writeBytes([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        try await channel.writeAndFlush(buffer)
        try await channel.closeFuture.get()
    }
}
