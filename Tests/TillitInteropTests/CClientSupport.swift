import CProtobufC
import Foundation
import SwiftProtobuf
import TillitCClient
import TillitRPC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thrown by the test helpers around the C client.
struct CClientError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String
}

/// The text of a NUL-terminated fixed-size C char array (imported as a tuple).
func cArrayString<T>(_ array: T) -> String {
    withUnsafeBytes(of: array) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
}

/// The text of a NUL-terminated C string held in a Swift array.
func cBufferString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Runs `body` with `text` as a C string, or with nil.
func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

/// A `tillit_conn` for use on one (non-cooperative) thread; closed on deinit.
final class CClient {
    /// The C connection.
    let connection: OpaquePointer

    /// Connects to the loopback server on `port`.
    init(port: UInt16, host: String = "127.0.0.1") throws {
        var error = [CChar](repeating: 0, count: 256)
        guard let connection = tillit_connect(host, port, &error, error.count) else {
            throw CClientError(description: "tillit_connect: \(cBufferString(error))")
        }
        self.connection = connection
    }

    /// Connects over TLS 1.3 to the loopback server on `port`, trusting `caFile` and expecting
    /// `serverName`, presenting `certFile`/`keyFile` when given.
    init(
        tlsPort port: UInt16, caFile: String, serverName: String?, certFile: String? = nil,
        keyFile: String? = nil, host: String = "127.0.0.1"
    ) throws {
        var error = [CChar](repeating: 0, count: 512)
        let connection = caFile.withCString { ca in
            withOptionalCString(serverName) { name in
                withOptionalCString(certFile) { cert in
                    withOptionalCString(keyFile) { key in
                        var options = tillit_tls_options(
                            ca_file: ca, server_name: name, cert_file: cert, key_file: key)
                        return tillit_connect_tls(host, port, &options, &error, error.count)
                    }
                }
            }
        }
        guard let connection else {
            throw CClientError(description: "tillit_connect_tls: \(cBufferString(error))")
        }
        self.connection = connection
    }

    deinit {
        tillit_close(connection)
    }

    /// The connection's socket.
    var fd: Int32 { tillit_conn_fd(connection) }

    /// What `tillit_call` returned.
    struct Outcome {
        /// The return value: 0, a gRPC code or a negative transport error.
        var result: Int32
        /// `tillit_status.code`.
        var code: Int32
        /// `tillit_status.message`.
        var message: String
        /// `tillit_status.request_id`.
        var requestID: String
        /// The unpacked response, on OK.
        var response: UnpackedCMessage?
    }

    /// Calls `method` with a protobuf-c request, expecting a `responseDescriptor` response.
    func call(
        _ method: String,
        request: UnsafeMutablePointer<ProtobufCMessage>?,
        response responseDescriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        timeoutMillis: UInt32 = 5_000,
        authorization: String? = interopToken
    ) -> Outcome {
        var status = tillit_status()
        var response: UnsafeMutablePointer<ProtobufCMessage>?
        let result: Int32
        if let authorization {
            result = authorization.withCString { authorization in
                tillit_call(
                    connection, method, request, responseDescriptor, timeoutMillis, authorization, &response,
                    &status)
            }
        } else {
            result = tillit_call(
                connection, method, request, responseDescriptor, timeoutMillis, nil, &response, &status)
        }
        return Outcome(
            result: result, code: status.code, message: cArrayString(status.message),
            requestID: cArrayString(status.request_id), response: response.map(UnpackedCMessage.init(taking:))
        )
    }
}

/// An Echo call's outcome as plain Swift values, read from the protobuf-c response struct.
struct EchoOutcome: Sendable {
    /// `tillit_call`'s return value.
    var result: Int32
    /// The status code and message the C client reported.
    var code: Int32
    var message: String
    /// The request id the server returned.
    var requestID: String
    /// The response fields, when the call succeeded.
    var text: String?
    var data: [UInt8]?
    var seenMetadata: [String] = []
    var remainingMicros: UInt64 = 0

    init(_ outcome: CClient.Outcome) {
        result = outcome.result
        code = outcome.code
        message = outcome.message
        requestID = outcome.requestID
        if let response = outcome.response?.fields(as: Tillit__Testing__V1__EchoResponse.self) {
            text = String(cString: response.text)
            data = Array(UnsafeBufferPointer(start: response.data.data, count: response.data.len))
            seenMetadata = (0..<response.n_seen_metadata).map { String(cString: response.seen_metadata[$0]!) }
            remainingMicros = response.remaining_micros
        }
    }
}

/// The Echo method's wire path.
let echoPath = InteropEchoService.echo.path

extension CClient {
    /// Calls Echo with a request built by protobuf-c.
    func echo(
        text: String, data: [UInt8] = [], failCode: Int32 = 0, delayMillis: UInt32 = 0,
        timeoutMillis: UInt32 = 5_000, authorization: String? = interopToken
    ) -> EchoOutcome {
        let arena = CArena()
        let request = arena.message(tillit__testing__v1__echo_request__init) {
            $0.text = arena.string(text)
            $0.data = arena.bytes(data)
            $0.fail_code = failCode
            $0.delay_millis = delayMillis
        }
        return EchoOutcome(
            call(
                echoPath, request: asCMessage(request),
                response: cDescriptor(tillit__testing__v1__echo_response__init), timeoutMillis: timeoutMillis,
                authorization: authorization))
    }
}

// MARK: - Raw sockets for scripted peers

/// `SOCK_STREAM` as `socket(2)` wants it on this platform.
private var streamSocketType: Int32 {
    #if os(Linux)
    Int32(SOCK_STREAM.rawValue)
    #else
    SOCK_STREAM
    #endif
}

/// A listening TCP socket on 127.0.0.1 and an ephemeral port, for scripted servers.
final class LoopbackListener: Sendable {
    /// The listening socket.
    let fd: Int32
    /// The bound port.
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, streamSocketType, 0)
        guard fd >= 0 else { throw CClientError(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw CClientError(description: "bind/listen: \(errno)")
        }
        self.fd = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    deinit {
        close(fd)
    }

    /// Accepts one connection (blocking).
    func acceptOne() throws -> Int32 {
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { throw CClientError(description: "accept: \(errno)") }
        return connection
    }
}

/// A connected pair of stream sockets, for framing tests without a server.
func streamSocketPair() throws -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, streamSocketType, 0, &fds) == 0 else {
        throw CClientError(description: "socketpair: \(errno)")
    }
    return (fds[0], fds[1])
}

/// Writes all of `bytes` to `fd`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            throw CClientError(description: "write: \(errno)")
        }
        offset += written
    }
}

/// Reads exactly `count` bytes from `fd`; fewer when the stream ends.
func readExactly(_ fd: Int32, _ count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var offset = 0
    while offset < count {
        let got = bytes[offset...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 && errno == EINTR { continue }
        if got <= 0 { break }
        offset += got
    }
    return Array(bytes[..<offset])
}

/// A Swift-encoded frame with its big-endian length prefix.
func framed(_ frame: Tillit_Rpc_V1_Frame) throws -> [UInt8] {
    let body: [UInt8] = try frame.serializedBytes()
    let length = UInt32(body.count)
    return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        + body
}

/// Reads one frame with the C client's `tillit_frame_read` and decodes it with swift-protobuf;
/// throws with the C status on failure.
func readFrameWithC(_ fd: Int32, maxFrameSize: Int = 0) throws -> Tillit_Rpc_V1_Frame {
    var status: Int32 = 0
    guard let frame = tillit_frame_read(fd, maxFrameSize, &status) else {
        throw CClientError(
            description: "tillit_frame_read: \(status) \(String(cString: tillit_strerror(status)))")
    }
    defer { tillit__rpc__v1__frame__free_unpacked(frame, nil) }
    return try Tillit_Rpc_V1_Frame(serializedBytes: cPack(asCMessage(frame)))
}
