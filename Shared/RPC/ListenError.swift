import Foundation
import NIOCore

/// Why `RPCServer.run()` could not start listening: the address is taken, not ours to bind, or
/// otherwise refused by the system.
///
/// `description` reads `cannot listen on 127.0.0.1:7101: address in use`.
public struct ListenError: Error, CustomStringConvertible {
    /// The host the server tried to bind.
    public var host: String
    /// The port the server tried to bind.
    public var port: Int
    /// A short reason: `address in use`, `permission denied`, `address not available`, or the
    /// system's text for other errors.
    public var reason: String
    /// The underlying error (usually NIO's `IOError`).
    public var cause: any Error

    /// An error for a failed bind of `host:port`; `reason` is derived from `cause`.
    public init(host: String, port: Int, cause: any Error) {
        self.host = host
        self.port = port
        self.cause = cause
        self.reason = Self.reason(for: cause)
    }

    /// `cannot listen on HOST:PORT: REASON`.
    public var description: String {
        "cannot listen on \(host):\(port): \(reason)"
    }

    private static func reason(for cause: any Error) -> String {
        guard let ioError = cause as? IOError else { return String(describing: cause) }
        switch ioError.errnoCode {
        case EADDRINUSE: return "address in use"
        case EACCES: return "permission denied"
        case EADDRNOTAVAIL: return "address not available"
        default: return String(cString: strerror(ioError.errnoCode))
        }
    }
}
