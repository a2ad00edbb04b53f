import Foundation
import Logging
import TillitRPC

/// How a service executable ends, and the one line it prints when it cannot run. The statuses
/// are documented in every executable's `--help` and in docs/design.md.
public enum ServiceExit {
    /// A malformed setting (`EX_CONFIG`).
    public static let configurationError: Int32 = 78
    /// The address is in use or not allowed (`EX_UNAVAILABLE`): `cannot listen on <host:port>: <reason>`.
    public static let cannotListen: Int32 = 69
    /// Anything else that stops the service before or while serving.
    public static let failure: Int32 = 1

    /// Runs `body` (build the host and run it); returns 0 after a clean stop, or prints
    /// `<executable>: <one line>` to standard error, logs it, and returns the status above.
    public static func run(
        _ executable: String, logger: Logger? = nil, _ body: () async throws -> Void
    ) async -> Int32 {
        do {
            try await body()
            return 0
        } catch {
            let (status, line) = describe(error)
            logger?.critical("stopped", metadata: ["error": "\(line)"])
            FileHandle.standardError.write(Data("\(executable): \(line)\n".utf8))
            return status
        }
    }

    /// The status and the line for `error`.
    static func describe(_ error: any Error) -> (Int32, String) {
        if let error = error as? ConfigurationError {
            return (configurationError, "configuration error: \(error)")
        }
        if let error = error as? ListenError {
            return (cannotListen, error.description)
        }
        return (failure, "could not start: \(error)")
    }
}
