import Foundation
import Synchronization
import TillitServiceKit

/// A built executable run as a child process by a test, in its own temporary folder: its
/// environment always has `SWIFT_BACKTRACE=enable=no` (a crash ends it at once instead of
/// hanging in the backtracer) and `TILLIT_READY_FILE` in that folder, its output goes to a log
/// file there, and it never outlives the value: `stop` sends SIGTERM, then SIGKILL after a
/// grace period, and deinit SIGKILLs what still runs and removes the folder.
///
/// Start servers on port 0 and learn the bound address with `boundAddress(timeout:)`; never
/// pick a "free" port first (another test may take it in between).
public final class ChildProcess: Sendable {
    private let process: SpawnedProcess

    /// The process id.
    public var pid: Int32 { process.pid }
    /// The temporary folder holding the log and the ready file.
    public let folder: URL
    /// Where the child's standard output and error go.
    public let logFile: URL
    /// The ready file the child writes once listening (`TILLIT_READY_FILE`).
    public let readyFile: String

    /// Starts `executable` with `arguments`, the test process's environment with `environment`
    /// merged over it, and then `SWIFT_BACKTRACE` and `TILLIT_READY_FILE` set as above. `name`
    /// names the log (`<name>.log`) and ready file (`<name>.ready`).
    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = [:],
        name: String = "child"
    ) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-child-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        logFile = folder.appendingPathComponent("\(name).log")
        readyFile = folder.appendingPathComponent("\(name).ready").path
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        merged["SWIFT_BACKTRACE"] = "enable=no"
        merged[ReadyFile.environmentVariable] = readyFile
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let null = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? null.close() }
        do {
            // posix_spawn, not Foundation's Process (see SpawnedProcess).
            process = try SpawnedProcess.spawn(
                executable: executable, arguments: arguments, environment: merged,
                standardInput: null.fileDescriptor, standardOutput: log.fileDescriptor,
                standardError: log.fileDescriptor)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// The exit status once it has exited (the signal number if a signal ended it).
    public var exitStatus: Int32? { process.exitStatus }

    /// What the child has written to standard output and error so far.
    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Waits until the child has written its ready file (naming its own pid) and returns the
    /// address it bound. Throws when the child exits first or `timeout` passes; the error
    /// carries the log.
    public func boundAddress(timeout: Duration = .seconds(60)) async throws -> ServiceAddress {
        let end = ContinuousClock.now + timeout
        while true {
            if let ready = ReadyFile.read(from: readyFile), ready.pid == pid { return ready.address }
            if let status = exitStatus {
                throw Failure(message: "exited with status \(status) before it was ready", log: log)
            }
            guard ContinuousClock.now < end else {
                throw Failure(message: "wrote no ready file within \(timeout)", log: log)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits up to `timeout` for the child to exit; its status, or nil if it still runs.
    public func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        _ = await eventually(timeout: timeout) { exitStatus != nil }
        return exitStatus
    }

    /// Sends `signal` (unless it has exited).
    public func signal(_ signal: Int32) {
        if exitStatus == nil { kill(pid, signal) }
    }

    /// Stops the child: SIGTERM, then SIGKILL if it still runs after `grace`; returns its status
    /// once it has exited. The waiting happens on a thread of its own, never on the cooperative
    /// pool that every in-process server of the test run shares.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Int32 {
        (try? await onOwnThread { self.stopBlocking(grace: grace) }) ?? -1
    }

    /// Stops the child as `stop(grace:)` does, without waiting: for `defer`, which cannot await.
    /// SIGTERM goes now; a thread of its own escalates to SIGKILL after `grace`, reaps the child,
    /// then runs `then` (e.g. removing the child's folder).
    public func stopInBackground(grace: Duration = .seconds(10), then: @escaping @Sendable () -> Void = {}) {
        signal(SIGTERM)
        let thread = Thread {
            _ = self.stopBlocking(grace: grace)
            then()
        }
        thread.name = "tillit-test-stop"
        thread.start()
    }

    /// SIGTERM, SIGKILL after `grace`, reap; blocks the calling thread.
    private func stopBlocking(grace: Duration) -> Int32 {
        if exitStatus == nil {
            kill(pid, SIGTERM)
            let end = ContinuousClock.now + grace
            while exitStatus == nil, ContinuousClock.now < end { usleep(10_000) }
            if exitStatus == nil { kill(pid, SIGKILL) }
        }
        return process.waitUntilExit()
    }

    /// The child did not become ready.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// The child's output.
        public var log: String

        /// The message followed by the log.
        public var description: String { "child process \(message); its log:\n\(log)" }
    }
}
