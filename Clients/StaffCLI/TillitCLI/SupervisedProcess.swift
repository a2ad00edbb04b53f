import Foundation
import Synchronization

/// A child process whose exit can be awaited, and which is stopped with SIGTERM, then SIGKILL
/// after a grace period.
final class SupervisedProcess: Sendable {
    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let process: Process
    private let state = Mutex(State())

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments` and `environment`; its output goes to `logFile`.
    init(executable: String, arguments: [String], environment: [String: String], logFile: URL) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] process in
            self?.exited(status: process.terminationStatus)
        }
        try process.run()
    }

    private func exited(status: Int32) {
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// The exit status, once it has exited.
    var exitStatus: Int32? { state.withLock { $0.status } }

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
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
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
