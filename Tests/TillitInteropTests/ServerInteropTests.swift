import CProtobufC
import Foundation
import Testing
import TillitCClient
import TillitContracts
import TillitRPC
import TillitTesting

/// The C client against the real Swift server, in-process, over loopback TCP.
@Suite(.timeLimit(.minutes(1))) struct ServerInteropTests {
    /// A protobuf-c request (unicode text, binary data, repeated nested stamps) is decoded by the
    /// Swift server as the same message; the Swift response decodes in protobuf-c; metadata and
    /// the deadline travel.
    @Test func echoFromCThroughSwiftServer() async throws {
        let echo = InteropEchoService()
        try await withInteropServer(echo: echo) { port in
            let outcomes = try await onOwnThread { () throws -> [EchoOutcome] in
                let client = try CClient(port: port)
                let arena = CArena()
                let request = arena.message(tillit__testing__v1__echo_request__init) {
                    $0.text = arena.string(Sample.unicode)
                    $0.data = arena.bytes(Sample.binary)
                    ($0.n_stamps, $0.stamps) = arena.array([
                        arena.message(tillit__common__v1__timestamp__init) {
                            $0.seconds = -1
                            $0.nanos = 500
                        },
                        arena.message(tillit__common__v1__timestamp__init),
                        arena.message(tillit__common__v1__timestamp__init) { $0.seconds = 1_750_000_000 },
                    ])
                }
                let response = cDescriptor(tillit__testing__v1__echo_response__init)
                return [
                    EchoOutcome(client.call(echoPath, request: asCMessage(request), response: response)),
                    EchoOutcome(client.call(echoPath, request: asCMessage(request), response: response)),
                ]
            }

            var expected = Tillit_Testing_V1_EchoRequest()
            expected.text = Sample.unicode
            expected.data = Data(Sample.binary)
            expected.stamps = [
                Tillit_Common_V1_Timestamp.with {
                    $0.seconds = -1
                    $0.nanos = 500
                },
                Tillit_Common_V1_Timestamp(),
                Tillit_Common_V1_Timestamp.with { $0.seconds = 1_750_000_000 },
            ]
            #expect(echo.received.all == [expected, expected])

            for outcome in outcomes {
                #expect(outcome.result == 0)
                #expect(outcome.code == 0)
                #expect(outcome.message == "")
                #expect(outcome.text == Sample.unicode)
                #expect(outcome.data == Sample.binary)
                #expect(outcome.seenMetadata.contains("authorization=\(interopToken)"))
                // The C client generated the request id, the server saw it and returned it.
                #expect(outcome.requestID.count == 36)
                #expect(outcome.seenMetadata.contains("x-request-id=\(outcome.requestID)"))
                #expect(outcome.remainingMicros > 0 && outcome.remainingMicros <= 5_000_000)
            }
            #expect(outcomes[0].requestID != outcomes[1].requestID)
        }
    }

    /// A handler's non-OK status arrives in `tillit_status`; the connection stays usable.
    @Test func nonOKStatusReachesC() async throws {
        try await withInteropServer { port in
            let (failed, next) = try await onOwnThread {
                let client = try CClient(port: port)
                return (client.echo(text: "nobody", failCode: 5), client.echo(text: "after"))
            }
            #expect(failed.result == cValue(TILLIT_CODE_NOT_FOUND))
            #expect(failed.code == 5)
            #expect(failed.message == "asked to fail: nobody")
            #expect(failed.text == nil)
            #expect(failed.requestID.count == 36)
            #expect(next.result == 0)
            #expect(next.text == "after")
        }
    }

    /// An unknown method (or service) is UNIMPLEMENTED.
    @Test func unknownMethodIsUnimplemented() async throws {
        try await withInteropServer { port in
            let outcomes = try await onOwnThread {
                let client = try CClient(port: port)
                let response = cDescriptor(tillit__testing__v1__echo_response__init)
                return [
                    "/tillit.testing.v1.Echo/Nope", "/tillit.nope.v1.Nope/Echo",
                ].map { EchoOutcome(client.call($0, request: nil, response: response)) }
            }
            for outcome in outcomes {
                #expect(outcome.result == 12)
                #expect(outcome.code == 12)
                #expect(outcome.message.hasPrefix("unknown method /tillit."))
            }
        }
    }

    /// Raw garbage as a request payload, sent with `tillit_frame_write`, is INTERNAL; the
    /// connection still serves the next call.
    @Test func undecodablePayloadIsInternal() async throws {
        try await withInteropServer { port in
            let (response, next) = try await onOwnThread { () throws -> (Tillit_Rpc_V1_Frame, EchoOutcome) in
                let client = try CClient(port: port)
                let arena = CArena()
                let frame = arena.message(tillit__rpc__v1__frame__init) {
                    $0.call_id = 1_000_000
                    $0.kind = TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_REQUEST
                    $0.method = arena.string(echoPath)
                    ($0.n_metadata, $0.metadata) = arena.array([
                        arena.message(tillit__rpc__v1__metadata_entry__init) {
                            $0.key = arena.string("authorization")
                            $0.value = arena.string(interopToken)
                        }
                    ])
                    // A truncated varint tag: not an EchoRequest, nor any protobuf message.
                    $0.payload = arena.bytes([0xFF, 0xFF, 0xFF, 0xFF])
                }
                let written = tillit_frame_write(client.fd, frame)
                guard written == 0 else { throw CClientError(description: "tillit_frame_write: \(written)") }
                var response: Tillit_Rpc_V1_Frame
                repeat {
                    response = try readFrameWithC(client.fd)
                } while !(response.kind == .response && response.callID == 1_000_000)
                return (response, client.echo(text: "still here"))
            }
            #expect(response.status.code == 13)
            #expect(response.status.message.contains("could not decode request payload"))
            #expect(next.result == 0)
            #expect(next.text == "still here")
        }
    }

    /// Health/Check answers without authorization; Echo without it is UNAUTHENTICATED.
    @Test func healthCheckWithoutAuthorization() async throws {
        struct Health: Sendable {
            var result: Int32
            var status: Int32?
        }
        try await withInteropServer { port in
            let (checks, unauthenticated) = try await onOwnThread { () throws -> ([Health], EchoOutcome) in
                let client = try CClient(port: port)
                let arena = CArena()
                let descriptor = cDescriptor(tillit__health__v1__health_check_response__init)
                let checks = ["", "tillit.testing.v1.Echo", "tillit.nope.v1.Nope"].map { service in
                    let request = arena.message(tillit__health__v1__health_check_request__init) {
                        $0.service = arena.string(service)
                    }
                    let outcome = client.call(
                        InteropHealthService.check.path, request: asCMessage(request), response: descriptor,
                        authorization: nil)
                    return Health(
                        result: outcome.result,
                        status: outcome.response.map {
                            cValue($0.fields(as: Tillit__Health__V1__HealthCheckResponse.self).status)
                        })
                }
                return (checks, client.echo(text: "who am I", authorization: nil))
            }
            let serving = cValue(
                TILLIT__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING_STATUS_SERVING)
            #expect(checks[0].result == 0)
            #expect(checks[0].status == serving)
            #expect(checks[1].result == 0)
            #expect(checks[1].status == serving)
            #expect(checks[2].result == cValue(TILLIT_CODE_NOT_FOUND))
            #expect(checks[2].status == nil)
            #expect(unauthenticated.result == cValue(TILLIT_CODE_UNAUTHENTICATED))
        }
    }

    /// The timeout travels with the request: a slow handler is cut off by the server with
    /// DEADLINE_EXCEEDED, which reaches the C client within its grace period.
    @Test func deadlineExceededReachesC() async throws {
        try await withInteropServer { port in
            let (outcome, elapsed) = try await onOwnThread {
                let client = try CClient(port: port)
                // The client waits 40 s beyond the deadline, so only the server's own answer can end
                // the call: a 5 s default grace once ran out first while the suite's start-up load
                // stalled the event loop.
                tillit_conn_set_response_grace(client.connection, 40_000)
                let start = ContinuousClock.now
                let outcome = client.echo(text: "slow", delayMillis: 45_000, timeoutMillis: 150)
                return (outcome, ContinuousClock.now - start)
            }
            #expect(outcome.result == cValue(TILLIT_CODE_DEADLINE_EXCEEDED))
            #expect(elapsed >= .milliseconds(140))
            // The server's answer, long before the 45 s handler would have answered.
            #expect(elapsed < .seconds(30))
        }
    }
}
