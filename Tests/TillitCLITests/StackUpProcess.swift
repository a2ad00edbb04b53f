import Foundation
import Testing
import TillitServiceKit
import TillitTesting

/// `tillit stack up` run by a test as a child process: its output collected as it comes, the
/// SERVING lines read back, and stopped with SIGTERM. If it still runs when the value goes away
/// (a test that failed early), it gets SIGTERM too, so it stops its services, and SIGKILL only
/// if it has not exited 30 seconds later.
final class StackUpProcess: Sendable {
    private let process: SpawnedProcess
    /// Kept: the reading end must outlive `init` for the output to be collected.
    private let outputPipe: Pipe
    private let chunks = Recorder<String>()

    /// A folder holding links to the built `tillit-identity`, `tillit-booking`, `tillit-notes`
    /// and `tillit-supervision` only, as `--bin-dir` (so services built later are not started by these tests on default
    /// ports).
    static func binaries(in folder: URL) throws -> URL {
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, path) in [
            ("tillit-identity", Built.identity), ("tillit-booking", BookingStack.executable),
            ("tillit-notes", NotesStack.executable), ("tillit-supervision", Built.supervision),
        ] {
            let link = bin.appendingPathComponent(name).path
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        }
        return bin
    }

    /// Starts `tillit stack up arguments` with cheap password hashing and no colour.
    init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["TILLIT_IDENTITY_SCRYPT_LOG2_N"] = "10"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment.merge(extra) { $1 }
        let output = Pipe()
        outputPipe = output
        let null = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? null.close() }
        process = try SpawnedProcess.spawn(
            executable: Built.tillit, arguments: ["stack", "up"] + arguments, environment: environment,
            standardInput: null.fileDescriptor, standardOutput: output.fileHandleForWriting.fileDescriptor,
            standardError: FileHandle.standardError.fileDescriptor)
        try? output.fileHandleForWriting.close()
        let chunks = self.chunks
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            chunks.append(String(decoding: chunk, as: UTF8.self))
        }
    }

    deinit {
        guard process.isRunning else { return }
        kill(process.pid, SIGTERM)
        let end = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < end { usleep(20_000) }
        if process.isRunning { kill(process.pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Everything it printed so far.
    var output: String { chunks.all.joined() }

    /// Its lines so far.
    var lines: [String] { output.split(separator: "\n").map(String.init) }

    /// Waits up to `timeout` for `marker` in the output; whether it appeared.
    func waitFor(_ marker: String, timeout: Duration = .seconds(120)) async -> Bool {
        await eventually(timeout: timeout, interval: .milliseconds(50)) { output.contains(marker) }
    }

    /// The address and pid of the last `<service>  SERVING  <address> pid <pid>` line.
    func serving(_ service: String) -> (address: ServiceAddress, pid: Int32)? {
        for line in lines.reversed() {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 5, words[0] == service, words[1] == "SERVING",
                let address = ServiceAddress(parsing: words[2]), let pid = Int32(words[4])
            else { continue }
            return (address, pid)
        }
        return nil
    }

    /// The index of the first line starting with `service` and `status`, if any.
    func firstLine(_ service: String, _ status: String) -> Int? {
        lines.firstIndex { line in
            let words = line.split(separator: " ")
            return words.count >= 2 && words[0] == service && words[1] == status
        }
    }

    /// SIGTERM, then waits (on a thread of its own) for it to exit; its exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        process.signal(SIGTERM)
        let process = self.process
        return try await onOwnThread { process.waitUntilExit() }
    }
}
