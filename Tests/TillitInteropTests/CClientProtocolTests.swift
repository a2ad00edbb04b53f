import CProtobufC
import Foundation
import Testing
import TillitCClient
import TillitContracts
import TillitRPC
import TillitTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A C enum constant's value as the C client's `int` results.
func cValue<E: RawRepresentable>(_ constant: E) -> Int32 where E.RawValue: BinaryInteger {
    Int32(truncatingIfNeeded: constant.rawValue)
}

/// The C client's framing and call loop against scripted peers: what the Swift server never
/// does (PING, stray responses, GOAWAY mid-call, silence, oversized frames).
@Suite(.timeLimit(.minutes(1))) struct CClientProtocolTests {
    private static var healthResponse: UnsafePointer<ProtobufCMessageDescriptor> {
        cDescriptor(tillit__health__v1__health_check_response__init)
    }

    /// While waiting, the client answers PING with PONG and skips responses to other calls,
    /// unsolicited PONGs and GOAWAY; after GOAWAY it refuses new calls on the connection.
    @Test func pingStrayFramesAndGoaway() async throws {
        let listener = try LoopbackListener()
        async let server = onOwnThread {
            () throws -> (request: Tillit_Rpc_V1_Frame, pong: Tillit_Rpc_V1_Frame) in
            let fd = try listener.acceptOne()
            defer { close(fd) }
            let request = try readFrameWithC(fd)
            var ping = Tillit_Rpc_V1_Frame()
            ping.kind = .ping
            ping.callID = 77
            try writeAll(fd, try framed(ping))
            let pong = try readFrameWithC(fd)

            var stray = Tillit_Rpc_V1_Frame()
            stray.kind = .response
            stray.callID = request.callID + 100
            stray.status.code = 13
            var unsolicited = Tillit_Rpc_V1_Frame()
            unsolicited.kind = .pong
            var goaway = Tillit_Rpc_V1_Frame()
            goaway.kind = .goaway
            goaway.status.code = 14
            var answer = Tillit_Rpc_V1_Frame()
            answer.kind = .response
            answer.callID = request.callID
            answer.status = Tillit_Rpc_V1_Status()
            answer.metadata = [
                Tillit_Rpc_V1_MetadataEntry.with {
                    $0.key = "x-request-id"; $0.value = "scripted-1"
                }
            ]
            answer.payload = try Tillit_Health_V1_HealthCheckResponse.with { $0.status = .notServing }
                .serializedData()
            try writeAll(fd, try [stray, unsolicited, goaway, answer].flatMap(framed))
            // Hold the connection until the client is done.
            _ = readExactly(fd, 1)
            return (request, pong)
        }
        async let client = onOwnThread { () throws -> (first: CClientSummary, second: Int32) in
            let client = try CClient(port: listener.port)
            let first = client.call(
                InteropHealthService.check.path, request: nil, response: Self.healthResponse,
                timeoutMillis: 0,
                authorization: nil)
            let second = client.call(
                InteropHealthService.check.path, request: nil, response: Self.healthResponse,
                authorization: nil)
            return (CClientSummary(first), second.result)
        }
        let (request, pong) = try await server
        let (first, second) = try await client

        #expect(request.kind == .request)
        #expect(request.callID == 1)
        #expect(request.method == "/tillit.health.v1.Health/Check")
        #expect(request.timeoutMicros == 0)
        #expect(request.payload.isEmpty)
        #expect(request.metadata.map(\.key) == ["x-request-id"])
        #expect(pong.kind == .pong)
        #expect(pong.callID == 77)

        #expect(first.result == 0)
        #expect(first.requestID == "scripted-1")
        #expect(first.healthStatus == 2)
        #expect(second == cValue(TILLIT_ERR_GOAWAY))
    }

    /// A call of 100 ms against a server that reads the request and the CANCEL and never answers,
    /// on a connection whose grace is `grace` (the default when nil): the two frames, the call's
    /// result and how long it took.
    private func callSilentServer(grace: UInt32?) async throws -> (
        request: Tillit_Rpc_V1_Frame, cancel: Tillit_Rpc_V1_Frame, result: Int32, elapsed: Duration
    ) {
        let listener = try LoopbackListener()
        async let server = onOwnThread { () throws -> (Tillit_Rpc_V1_Frame, Tillit_Rpc_V1_Frame) in
            let fd = try listener.acceptOne()
            defer { close(fd) }
            let request = try readFrameWithC(fd)
            let cancel = try readFrameWithC(fd)
            _ = readExactly(fd, 1)
            return (request, cancel)
        }
        async let client = onOwnThread { () throws -> (Int32, Duration) in
            let client = try CClient(port: listener.port)
            if let grace { tillit_conn_set_response_grace(client.connection, grace) }
            let start = ContinuousClock.now
            let outcome = client.call(
                InteropHealthService.check.path, request: nil, response: Self.healthResponse,
                timeoutMillis: 100)
            return (outcome.result, ContinuousClock.now - start)
        }
        let (request, cancel) = try await server
        let (result, elapsed) = try await client
        return (request, cancel, result, elapsed)
    }

    /// A server that never answers: the client gives up after timeout + grace, sends CANCEL for
    /// the call, and the connection stays usable.
    @Test func silentServerTimesOutAndIsCancelled() async throws {
        let (request, cancel, result, elapsed) = try await callSilentServer(grace: nil)
        #expect(result == cValue(TILLIT_ERR_TIMEOUT))
        #expect(elapsed >= .milliseconds(100 + Int(TILLIT_RESPONSE_GRACE_MS) - 10))
        #expect(request.timeoutMicros == 100_000)
        #expect(request.metadata.first?.key == "authorization")
        #expect(request.metadata.first?.value == interopToken)
        #expect(cancel.kind == .cancel)
        #expect(cancel.callID == request.callID)
    }

    /// A connection's own grace replaces TILLIT_RESPONSE_GRACE_MS: the client gives up after the
    /// timeout plus that grace, well before the default would have ended the wait.
    @Test func responseGraceIsSetPerConnection() async throws {
        let (request, cancel, result, elapsed) = try await callSilentServer(grace: 300)
        #expect(result == cValue(TILLIT_ERR_TIMEOUT))
        #expect(elapsed >= .milliseconds(100 + 300 - 10))
        #expect(elapsed < .milliseconds(Int(TILLIT_RESPONSE_GRACE_MS)))
        #expect(request.timeoutMicros == 100_000)
        #expect(request.metadata.first?.key == "authorization")
        #expect(request.metadata.first?.value == interopToken)
        #expect(cancel.kind == .cancel)
        #expect(cancel.callID == request.callID)
    }

    /// A length prefix over the limit fails the call at once, before any allocation or read of
    /// the body (a 4 GiB body is announced and never sent); the connection is then unusable.
    @Test func oversizedResponseFrameIsRefused() async throws {
        let listener = try LoopbackListener()
        async let server = onOwnThread { () throws -> Void in
            let fd = try listener.acceptOne()
            defer { close(fd) }
            _ = try readFrameWithC(fd)
            try writeAll(fd, [0xFF, 0xFF, 0xFF, 0xFF])
            _ = readExactly(fd, 1)
        }
        async let client = onOwnThread { () throws -> (Int32, Int32) in
            let client = try CClient(port: listener.port)
            let first = client.call(
                InteropHealthService.check.path, request: nil, response: Self.healthResponse, timeoutMillis: 0
            )
            let second = client.call(
                InteropHealthService.check.path, request: nil, response: Self.healthResponse, timeoutMillis: 0
            )
            return (first.result, second.result)
        }
        try await server
        let (first, second) = try await client
        #expect(first == cValue(TILLIT_ERR_FRAME_TOO_LARGE))
        #expect(second == cValue(TILLIT_ERR_BROKEN))
    }

    /// `tillit_frame_write` writes the big-endian length and exactly swift-protobuf's encoding.
    @Test func frameWriteMatchesSwiftFraming() throws {
        let (a, b) = try streamSocketPair()
        defer {
            close(a)
            close(b)
        }
        let arena = CArena()
        let frame = arena.message(tillit__rpc__v1__frame__init) {
            $0.call_id = 300
            $0.kind = TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_REQUEST
            $0.method = arena.string("/tillit.health.v1.Health/Check")
            $0.timeout_micros = 2_000_000
            $0.payload = arena.bytes([UInt8](repeating: 7, count: 200))
        }
        #expect(tillit_frame_write(a, frame) == 0)

        var expected = Tillit_Rpc_V1_Frame()
        expected.callID = 300
        expected.kind = .request
        expected.method = "/tillit.health.v1.Health/Check"
        expected.timeoutMicros = 2_000_000
        expected.payload = Data(repeating: 7, count: 200)
        let expectedBytes = try framed(expected)
        #expect(Array(expectedBytes.prefix(4)) == [0, 0, 0, UInt8(expectedBytes.count - 4)])
        #expect(readExactly(b, expectedBytes.count) == expectedBytes)
    }

    /// `tillit_frame_read` reassembles a frame delivered a byte at a time, reads a zero-length
    /// frame as an all-default frame, and reports end of stream.
    @Test func frameReadHandlesShortReadsAndEndOfStream() async throws {
        let (a, b) = try streamSocketPair()
        defer { close(b) }
        var frame = Tillit_Rpc_V1_Frame()
        frame.callID = 9
        frame.kind = .response
        frame.payload = Data(Sample.binary)
        frame.status.message = Sample.unicode
        let bytes = try framed(frame) + [0, 0, 0, 0]
        async let writer = onOwnThread {
            defer { close(a) }
            for byte in bytes {
                try writeAll(a, [byte])
                usleep(200)
            }
        }
        let (first, zero, end) = try await onOwnThread {
            () throws -> (Tillit_Rpc_V1_Frame, Tillit_Rpc_V1_Frame, Int32) in
            let first = try readFrameWithC(b)
            let zero = try readFrameWithC(b)
            var status: Int32 = 0
            if let unexpected = tillit_frame_read(b, 0, &status) {
                tillit__rpc__v1__frame__free_unpacked(unexpected, nil)
                return (first, zero, 0)
            }
            return (first, zero, status)
        }
        try await writer
        #expect(first == frame)
        #expect(zero == Tillit_Rpc_V1_Frame())
        #expect(end == cValue(TILLIT_ERR_CLOSED))
    }

    /// `tillit_frame_read` checks the length against the limit before reading, rejects a body
    /// that is not a frame, and reports a stream that ends inside a frame.
    @Test func frameReadRejectsOversizedGarbageAndTruncatedFrames() throws {
        func read(_ bytes: [UInt8], max: Int) throws -> Int32 {
            let (a, b) = try streamSocketPair()
            defer { close(b) }
            try writeAll(a, bytes)
            close(a)
            var status: Int32 = 0
            let frame = tillit_frame_read(b, max, &status)
            if let frame { tillit__rpc__v1__frame__free_unpacked(frame, nil) }
            return status
        }
        #expect(
            try read([0, 0, 0, 17] + [UInt8](repeating: 0, count: 17), max: 16)
                == cValue(TILLIT_ERR_FRAME_TOO_LARGE))
        #expect(try read([0, 0, 0, 16, 0x08, 0x01, 0x1A, 0x0C] + Array("/a.b.C/Check".utf8), max: 16) == 0)
        #expect(try read([0x00, 0x40, 0x00, 0x01], max: 0) == cValue(TILLIT_ERR_FRAME_TOO_LARGE))
        #expect(try read([0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF], max: 0) == cValue(TILLIT_ERR_DECODE))
        #expect(try read([0, 0, 0, 10, 0x08, 0x01], max: 0) == cValue(TILLIT_ERR_CLOSED))
        #expect(try read([0, 0], max: 0) == cValue(TILLIT_ERR_CLOSED))
    }

    /// A refused connection yields NULL and a reason; bad arguments are rejected.
    @Test func connectFailureAndInvalidArguments() throws {
        let port = try LoopbackListener().port  // closed again at once: nothing listens there
        var error = [CChar](repeating: 0, count: 256)
        #expect(tillit_connect("127.0.0.1", port, &error, error.count) == nil)
        #expect(cBufferString(error).hasPrefix("cannot connect to 127.0.0.1:\(port): "))
        #expect(tillit_connect("no-such-host.invalid", 1, &error, error.count) == nil)
        #expect(cBufferString(error).hasPrefix("cannot resolve no-such-host.invalid"))

        var status = tillit_status()
        #expect(tillit_call(nil, "/a/b", nil, nil, 0, nil, nil, &status) == cValue(TILLIT_ERR_INVALID))
        #expect(status.code == -1)
        #expect(tillit_frame_write(0, nil) == cValue(TILLIT_ERR_INVALID))
        #expect(String(cString: tillit_strerror(5)) == "NOT_FOUND")
        #expect(
            String(cString: tillit_strerror(cValue(TILLIT_ERR_GOAWAY))) == "server sent GOAWAY; reconnect")
    }
}

/// The parts of a Health call's outcome the protocol tests check.
struct CClientSummary: Sendable {
    var result: Int32
    var requestID: String
    var healthStatus: Int32?

    init(_ outcome: CClient.Outcome) {
        result = outcome.result
        requestID = outcome.requestID
        healthStatus = outcome.response.map {
            cValue($0.fields(as: Tillit__Health__V1__HealthCheckResponse.self).status)
        }
    }
}
