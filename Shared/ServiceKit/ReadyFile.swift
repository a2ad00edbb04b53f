import Foundation
import Logging
import ServiceLifecycle
import TillitRPC

#if canImport(Glibc)
import Glibc
#endif

/// The ready file a server writes once it is listening (`TILLIT_READY_FILE`), so whoever started
/// it learns the address it actually bound — also when it was told port 0 — and that the answer
/// on that address comes from this process.
///
/// The content is two lines, `host:port` and `pid <n>`, and a third, `metrics host:port`, when
/// the service serves metrics (`MetricsEndpoint`):
///
/// ```
/// 127.0.0.1:40123
/// pid 4242
/// metrics 127.0.0.1:40124
/// ```
///
/// It is written atomically (a temporary file in the same folder, fsync, rename) with mode 0600,
/// so a reader sees either no file or the whole of it.
public enum ReadyFile {
    /// The environment variable naming the ready file's path.
    public static let environmentVariable = "TILLIT_READY_FILE"

    /// Writes `address` and `pid` to `path` atomically, mode 0600; replaces an existing file.
    public static func write(
        address: ServiceAddress, pid: Int32, metrics: ServiceAddress? = nil, to path: String
    ) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = (folder as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).\(pid).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let content = Array(
            "\(address.description)\npid \(pid)\n\(metrics.map { "metrics \($0.description)\n" } ?? "")".utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            var written = 0
            while written < content.count {
                let result = content[written...].withUnsafeBytes {
                    Glibc.write(descriptor, $0.baseAddress, $0.count)
                }
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { throw failure("cannot write \(temporary)") }
                written += result
            }
            guard fsync(descriptor) == 0 else { throw failure("cannot fsync \(temporary)") }
        }
        guard rename(temporary, path) == 0 else { throw failure("cannot rename \(temporary) to \(path)") }
        ok = true
        // Make the rename itself durable; a failure here does not undo it.
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// The address and pid in the ready file at `path`; nil when there is none (yet) or it is
    /// malformed.
    public static func read(from path: String) -> (address: ServiceAddress, pid: Int32)? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: true)
        guard lines.count == 2 || lines.count == 3, let address = ServiceAddress(parsing: String(lines[0])),
            lines[1].hasPrefix("pid "), let pid = Int32(lines[1].dropFirst(4)), pid > 0
        else {
            return nil
        }
        return (address, pid)
    }

    /// The metrics address in the ready file at `path`; nil when there is none (no file yet, or
    /// the service serves no metrics).
    public static func metricsAddress(from path: String) -> ServiceAddress? {
        guard read(from: path) != nil, let data = FileManager.default.contents(atPath: path) else {
            return nil
        }
        let lines = String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: true)
        guard lines.count == 3, lines[2].hasPrefix("metrics ") else { return nil }
        return ServiceAddress(parsing: String(lines[2].dropFirst("metrics ".count)))
    }

    /// Removes the ready file at `path`, if there is one.
    public static func remove(at path: String) {
        unlink(path)
    }

    /// Writes the ready file once `server` has bound, then waits for graceful shutdown; a server
    /// that cannot bind writes none. `ServiceHost` runs one when `TILLIT_READY_FILE` is set.
    public struct Writer: Service {
        let server: RPCServer
        let host: String
        let metrics: MetricsEndpoint?
        let path: String
        let logger: Logger

        /// A writer of `path` for `server`, which listens on `host`, and for its `metrics`
        /// endpoint, if any.
        public init(
            server: RPCServer, host: String, metrics: MetricsEndpoint? = nil, path: String, logger: Logger
        ) {
            self.server = server
            self.host = host
            self.metrics = metrics
            self.path = path
            self.logger = logger
        }

        /// Waits for the bound port, writes the file, then waits for graceful shutdown.
        public func run() async throws {
            if let port = try? await server.localPort {
                let address = ServiceAddress(host: host, port: port)
                var metricsAddress: ServiceAddress?
                if let metrics, let metricsPort = try? await metrics.localPort {
                    metricsAddress = ServiceAddress(host: metrics.address.host, port: metricsPort)
                }
                try ReadyFile.write(address: address, pid: getpid(), metrics: metricsAddress, to: path)
                logger.info("ready", metadata: ["address": "\(address)", "readyFile": "\(path)"])
            }
            try? await gracefulShutdown()
        }
    }

    /// Writing a ready file failed.
    public struct WriteError: Error, CustomStringConvertible {
        /// What failed, and the system's reason.
        public var message: String

        /// `message`.
        public var description: String { message }
    }

    private static func failure(_ what: String) -> WriteError {
        WriteError(message: "\(what): \(String(cString: strerror(errno)))")
    }
}
