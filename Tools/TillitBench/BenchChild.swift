import ArgumentParser
import Foundation

/// The benchmark's server, run as a child process (`tillit-bench serve`).
struct BenchChild {
    let process: Process
    let input: Pipe
    let port: Int

    var pid: Int32 { process.processIdentifier }

    /// Starts `tillit-bench serve` and waits for its `PORT <n>` line.
    static func start(arguments: [String]) throws -> BenchChild {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve", "--stop-on-stdin-eof"] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw ValidationError("benchmark server exited before listening") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw ValidationError("unexpected output from benchmark server: \(text)")
        }
        return BenchChild(process: process, input: input, port: port)
    }

    /// Closes the child's standard input (it shuts down gracefully) and waits for it.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Resident memory of a process in MiB, from /proc.
    static func rssMiB(pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kib = line.split(separator: " ").compactMap { Double($0) }.first
            return kib.map { $0 / 1024 }
        }
        return nil
    }
}
