import Foundation

/// A loopback port that refuses connections for as long as this value lives: a TCP socket is
/// bound to it (port 0, so the kernel picks one) but does not listen. Held without SO_REUSEADDR,
/// no other process can listen on that port meanwhile: for tests of "nothing answers there"
/// that must not race with other tests' servers. Held `reusable` (SO_REUSEADDR), a server of the
/// test's own that also sets SO_REUSEADDR (every `RPCServer` does) can listen on it, stop and
/// listen again, while the kernel never hands the port to anyone else's port-0 bind: for
/// "the service comes back on the same port" without a free-port race.
public final class RefusingPort: Sendable {
    /// The port.
    public let port: Int
    private let descriptor: Int32

    /// Binds a socket to a port on 127.0.0.1 chosen by the kernel; `reusable` lets the test's
    /// own SO_REUSEADDR servers listen on it.
    public init(reusable: Bool = false) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(what: "socket") }
        if reusable {
            var one: Int32 = 1
            guard
                setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                    == 0
            else {
                close(descriptor)
                throw Failure(what: "setsockopt")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw Failure(what: "bind")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw Failure(what: "getsockname")
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Reserving a refusing port failed.
    public struct Failure: Error, CustomStringConvertible {
        /// The system call that failed.
        public var what: String
        /// The errno text at the time of the error.
        public var reason = String(cString: strerror(errno))

        /// `<call>: <reason>`.
        public var description: String { "\(what): \(reason)" }
    }

    deinit {
        close(descriptor)
    }
}
