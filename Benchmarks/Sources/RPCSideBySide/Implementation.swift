/// The implementations measured side by side by this executable (the C ping-pong is its own
/// program, `Benchmarks/c/pingpong.c`).
enum Implementation: String, CaseIterable, Sendable {
    /// Tillit's `RPCServer`/`RPCClient` with handlers on the event loop, over TLS 1.3.
    case tillitTLS = "tillit-tls"
    /// The same without TLS.
    case tillitPlain = "tillit-plain"
    /// Plaintext with handlers started on the cooperative pool: the old default, for the
    /// before/after of issue 14's default change (not in `run`'s default list).
    case tillitPool = "tillit-pool"
    /// grpc-swift-2 over grpc-swift-nio-transport's HTTP/2 (plaintext).
    case grpcHTTP2 = "grpc-http2"
    /// grpc-swift-2's in-process transport (no sockets).
    case grpcInProcess = "grpc-inprocess"
    /// A bare SwiftNIO echo of 4-byte length-prefixed frames (no framework, no protobuf).
    case nioEcho = "nio-echo"
}
