import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, for everything that launches processes (the
/// stack launcher, the tests' children). Not Foundation's `Process`: on Linux its `run()` scans
/// `/proc/self/fd` with a 256-byte over-read per entry and crashes a process holding many
/// descriptors (swift-corelibs-foundation#5472, in Swift 6.3.1). The child gets the given
/// descriptors as its standard input, output and error and none other of ours (close-from 3); a
/// thread of its own waits for it to exit.
public final class SpawnedProcess: Sendable {
    /// A launch that failed: what and the `errno`.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What could not be done.
        public var description: String

        /// A failure saying `description`.
        public init(description: String) {
            self.description = description
        }
    }

    /// The process id.
    public let pid: pid_t
    private let exited = DispatchGroup()
    private let state = Mutex<State>(State())

    private struct State {
        var status: Int32?
        var signalled = false
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `executable` with `arguments` and exactly `environment`, its standard input,
    /// output and error the descriptors given (which the caller still owns and may close once
    /// this returns). `onExit` runs once with the exit status (the signal number when a signal
    /// ended it, as Foundation reports it).
    public static func spawn(
        executable: String, arguments: [String] = [], environment: [String: String],
        standardInput: Int32, standardOutput: Int32, standardError: Int32,
        onExit: @escaping @Sendable (Int32) -> Void = { _ in }
    ) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        closeEverythingAbove2(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal handling and an empty mask.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        let child = pid
        let process = SpawnedProcess(pid: child)
        process.exited.enter()
        let reaper = Thread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            let exited = (status & 0x7f) == 0
            let code = exited ? (status >> 8) & 0xff : status & 0x7f
            let waiters = process.state.withLock { state in
                state.status = code
                state.signalled = !exited
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: code) }
            onExit(code)
            process.exited.leave()
        }
        reaper.start()
        return process
    }

    /// Adds "close every descriptor from 3 on" to `actions`: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later, looked up at run time, as the
    /// Swift overlay does not declare it), else one close per descriptor up to the table size.
    private static func closeEverythingAbove2(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        for descriptor in 3..<min(getdtablesize(), 65_536) {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// The exit status once it has exited (the signal number if a signal ended it).
    public var exitStatus: Int32? { state.withLock { $0.status } }

    /// Whether a signal ended it (then `exitStatus` is the signal); nil while it runs.
    public var endedBySignal: Bool? { state.withLock { $0.status == nil ? nil : $0.signalled } }

    /// Whether it still runs.
    public var isRunning: Bool { exitStatus == nil }

    /// Blocks until it has exited; its status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        exited.wait()
        return exitStatus ?? -1
    }

    /// Waits (without blocking a thread) until it has exited; its status.
    public func exit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Sends `signal` (while it runs).
    public func signal(_ signal: Int32) {
        guard isRunning else { return }
        kill(pid, signal)
    }

    /// What a finished command printed.
    public struct Output: Sendable {
        /// The exit status.
        public var status: Int32
        /// Its standard output.
        public var standardOutput: Data
        /// Its standard error (empty when it was merged into the output).
        public var standardError: Data
    }

    /// Runs `executable` to the end (blocking the calling thread), feeding `input` on its
    /// standard input, collecting its output and error (`mergeErrors`: both into the output).
    public static func run(
        executable: String, arguments: [String] = [], environment: [String: String], input: Data? = nil,
        mergeErrors: Bool = false
    ) throws -> Output {
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        let process = try spawn(
            executable: executable, arguments: arguments, environment: environment,
            standardInput: stdin.fileHandleForReading.fileDescriptor,
            standardOutput: stdout.fileHandleForWriting.fileDescriptor,
            standardError: (mergeErrors ? stdout : stderr).fileHandleForWriting.fileDescriptor)
        // The child holds its own copies; ours must close for end-of-file to come.
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()
        let errors = Mutex<Data?>(nil)
        let errorReader = Thread {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
        }
        errorReader.start()
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let status = process.waitUntilExit()
        var errorData: Data?
        while errorData == nil {
            errorData = errors.withLock { $0 }
            if errorData == nil { usleep(1_000) }
        }
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()
        return Output(status: status, standardOutput: output, standardError: errorData ?? Data())
    }
}
