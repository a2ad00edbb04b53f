import Foundation
import Synchronization
import TillitServiceKit

/// A child process whose exit can be awaited, and which is stopped with SIGTERM, then SIGKILL
/// after a grace period.
final class SupervisedProcess: Sendable {
    private let process: SpawnedProcess

    /// The process id.
    var pid: Int32 { process.pid }

    /// Starts `executable` with `arguments` and `environment`; its output goes to `logFile`.
    init(executable: String, arguments: [String], environment: [String: String], logFile: URL) throws {
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        try log.seekToEnd()
        let null = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? null.close() }
        // posix_spawn, not Foundation's Process (see SpawnedProcess).
        process = try SpawnedProcess.spawn(
            executable: executable, arguments: arguments, environment: environment,
            standardInput: null.fileDescriptor, standardOutput: log.fileDescriptor,
            standardError: log.fileDescriptor)
    }

    /// The exit status, once it has exited.
    var exitStatus: Int32? { process.exitStatus }

    /// Whether it still runs: not exited, and not a zombie waiting to be reaped (which has
    /// already closed its sockets).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            // No /proc entry: gone (or no /proc at all, where exitStatus is all we know).
            return !FileManager.default.fileExists(atPath: "/proc/self/stat")
        }
        // `pid (command) state …`: the command may contain anything, so look after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// Waits for the process to exit; returns its status.
    func waitForExit() async -> Int32 {
        await process.exit()
    }

    /// SIGTERM, then SIGKILL if it has not exited after `grace`; returns when it has exited.
    func stop(grace: Duration) async {
        guard exitStatus == nil else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while exitStatus == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if exitStatus == nil { kill(pid, SIGKILL) }
        _ = await waitForExit()
    }
}
