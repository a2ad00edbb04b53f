import Foundation
import Synchronization
import Testing
import TillitServiceKit
import TillitTesting

/// The output and exit status of a finished command.
struct CommandResult {
    var status: Int32
    var output: String
}

/// Runs `tillit` with `arguments` and waits for it (on a thread of its own, off the pool).
func runTillit(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
    try await onOwnThread { try runTillitBlocking(arguments, environment: environment) }
}

private func runTillitBlocking(_ arguments: [String], environment: [String: String]) throws -> CommandResult {
    var merged = ProcessInfo.processInfo.environment
    merged.merge(environment) { $1 }
    merged["NO_COLOR"] = "1"
    merged["SWIFT_BACKTRACE"] = "enable=no"
    let run = try SpawnedProcess.run(
        executable: Built.tillit, arguments: arguments, environment: merged, mergeErrors: true)
    return CommandResult(status: run.status, output: String(decoding: run.standardOutput, as: UTF8.self))
}

/// Whether a process with this id exists.
func isAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0
}

/// Collects values from any thread.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }
}
