import Foundation
import Synchronization
import TillitServiceKit

/// The part of Foundation's `Process` the tests use, launched with `posix_spawn`
/// (`SpawnedProcess`): Foundation's `run()` can crash a test process holding many descriptors
/// on Linux (swift-corelibs-foundation#5472). Set the properties, then `run()`.
public final class TestProcess: @unchecked Sendable {
    /// How it ended.
    public enum TerminationReason: Sendable {
        /// It exited (`terminationStatus` is the exit status).
        case exit
        /// A signal ended it (`terminationStatus` is the signal).
        case uncaughtSignal
    }

    /// The executable.
    public var executableURL: URL?
    /// Its arguments.
    public var arguments: [String] = []
    /// Its whole environment (nil: this process's).
    public var environment: [String: String]?
    /// A `Pipe` or `FileHandle` for its standard input (nil: /dev/null).
    public var standardInput: Any?
    /// A `Pipe` or `FileHandle` for its standard output (nil: this process's).
    public var standardOutput: Any?
    /// A `Pipe` or `FileHandle` for its standard error (nil: this process's).
    public var standardError: Any?
    private let spawned = Mutex<SpawnedProcess?>(nil)

    /// A process to configure and run.
    public init() {}

    private static func descriptor(_ value: Any?, reading: Bool, fallback: Int32) -> Int32 {
        switch value {
        case let pipe as Pipe:
            (reading ? pipe.fileHandleForReading : pipe.fileHandleForWriting).fileDescriptor
        case let handle as FileHandle: handle.fileDescriptor
        default: fallback
        }
    }

    /// Starts it; the child's ends of pipes are closed here afterwards.
    public func run() throws {
        guard let executableURL else { throw SpawnedProcess.Failure(description: "no executable") }
        let null = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? null.close() }
        let process = try SpawnedProcess.spawn(
            executable: executableURL.path, arguments: arguments,
            environment: environment ?? ProcessInfo.processInfo.environment,
            standardInput: Self.descriptor(standardInput, reading: true, fallback: null.fileDescriptor),
            standardOutput: Self.descriptor(standardOutput, reading: false, fallback: 1),
            standardError: Self.descriptor(standardError, reading: false, fallback: 2))
        spawned.withLock { $0 = process }
        for (value, reading) in [(standardInput, true), (standardOutput, false), (standardError, false)] {
            if let pipe = value as? Pipe {
                try? (reading ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
            }
        }
    }

    private var process: SpawnedProcess? { spawned.withLock { $0 } }

    /// The process id (0 before `run()`).
    public var processIdentifier: Int32 { process?.pid ?? 0 }

    /// Whether it has been started and not exited.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The exit status, or the signal that ended it.
    public var terminationStatus: Int32 { process?.exitStatus ?? 0 }

    /// Whether it exited or a signal ended it.
    public var terminationReason: TerminationReason {
        process?.endedBySignal == true ? .uncaughtSignal : .exit
    }

    /// Sends SIGTERM.
    public func terminate() {
        process?.signal(SIGTERM)
    }

    /// Blocks until it has exited.
    public func waitUntilExit() {
        process?.waitUntilExit()
    }
}
