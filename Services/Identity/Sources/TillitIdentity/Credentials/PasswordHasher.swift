import Crypto
import CryptoExtras
import Foundation
import NIOPosix
import Synchronization
import TillitServiceKit

/// Hashes and verifies passwords with scrypt (CryptoExtras `KDF.Scrypt`) on its own threads,
/// never on the event loop or the cooperative pool, with at most `maxConcurrent` at once
/// (each uses ~128 MiB at the standard parameters) and at most `maxQueued` waiting; beyond that
/// it refuses with RESOURCE_EXHAUSTED rather than queueing without bound.
///
/// Admission is fair per source: each derivation names its source (a throttle bucket), one
/// source may have at most `maxQueuedPerSource` waiting, and a free thread takes the next
/// waiting derivation of the sources in turn (round robin), so a source flooding the hasher
/// delays another source's login by at most one derivation per thread, never by its whole queue.
///
/// Passwords are normalised to Unicode NFC and hashed as UTF-8, so the same password typed on
/// systems that compose accents differently verifies.
public final class PasswordHasher: Sendable {
    /// The algorithm name stored in `PasswordHash.algorithm`.
    public static let algorithm = "scrypt"
    /// Salt length, in bytes, of new hashes.
    public static let saltByteCount = 16

    /// The parameters new hashes are made with.
    public let parameters: PasswordParameters
    /// How many derivations run at once (the number of threads).
    public let maxConcurrent: Int
    /// How many derivations may wait for a thread before further ones are refused.
    public let maxQueued: Int
    /// How many derivations of one source may wait for a thread.
    public let maxQueuedPerSource: Int

    private let pool: NIOThreadPool
    /// Derivations running and waiting (per source, with the order sources are served in), and
    /// whether `shutdown` was called.
    private let state = Mutex(State())

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var queued = 0
        var waiting: [String: [Waiter]] = [:]
        /// Sources with waiting derivations, the next to be served first.
        var order: [String] = []
        var nextID: UInt64 = 0
        var isShutDown = false

        /// Removes and returns the next waiter, serving sources in turn.
        mutating func next() -> Waiter? {
            guard !order.isEmpty else { return nil }
            let source = order.removeFirst()
            guard var queue = waiting[source], !queue.isEmpty else { return next() }
            let waiter = queue.removeFirst()
            queued -= 1
            if queue.isEmpty {
                waiting[source] = nil
            } else {
                waiting[source] = queue
                order.append(source)
            }
            return waiter
        }

        /// Removes the waiter `id` of `source` (cancelled), if it still waits.
        mutating func remove(_ id: UInt64, of source: String) -> Waiter? {
            guard var queue = waiting[source], let index = queue.firstIndex(where: { $0.id == id }) else {
                return nil
            }
            let waiter = queue.remove(at: index)
            queued -= 1
            if queue.isEmpty {
                waiting[source] = nil
                order.removeAll { $0 == source }
            } else {
                waiting[source] = queue
            }
            return waiter
        }
    }

    /// Starts `maxConcurrent` threads (at least 1); `maxQueued` below 0 counts as 0;
    /// `maxQueuedPerSource` defaults to an eighth of `maxQueued` (at least 1, at most `maxQueued`).
    ///
    /// Parameters are checked when used: with invalid ones, `hash` and `dummyVerify` throw
    /// `.invalidParameters`.
    public init(
        parameters: PasswordParameters = .standard, maxConcurrent: Int = 2, maxQueued: Int = 64,
        maxQueuedPerSource: Int? = nil
    ) {
        self.parameters = parameters
        self.maxConcurrent = min(max(1, maxConcurrent), 1024)
        self.maxQueued = min(max(0, maxQueued), 1 << 20)
        self.maxQueuedPerSource = min(max(1, maxQueuedPerSource ?? self.maxQueued / 8), self.maxQueued)
        pool = NIOThreadPool(numberOfThreads: self.maxConcurrent)
        pool.start()
    }

    /// Derivations admitted and not yet finished (running or waiting), e.g. for metrics.
    public var inFlight: Int {
        state.withLock { $0.running + $0.queued }
    }

    /// Hashes `password` with `parameters` and a fresh random salt; `source` is whose turn it
    /// is in the queue (see the type's description).
    ///
    /// - Throws: `PasswordHasherError` (`.overloaded`, `.invalidParameters`, `.hashingFailed`),
    ///   or `CancellationError` when the task is cancelled before the work starts.
    public func hash(_ password: String, source: String = "") async throws -> PasswordHash {
        let parameters = self.parameters
        try parameters.validate()
        let salt = SymmetricKey(size: SymmetricKeySize(bitCount: Self.saltByteCount * 8)).withUnsafeBytes {
            Data($0)
        }
        let bytes = Self.bytes(of: password)
        let derived = try await run(source: source) {
            try Self.derive(bytes, salt: salt, parameters: parameters)
        }
        return PasswordHash(algorithm: Self.algorithm, parameters: parameters, salt: salt, hash: derived)
    }

    /// Whether `password` is the one `stored` was made from, comparing the derived key in
    /// constant time; `source` is whose turn it is in the queue.
    ///
    /// Derives with `stored.parameters` and `stored.salt` (not `parameters`), so old hashes
    /// keep verifying after the parameters are raised; see `needsRehash`.
    ///
    /// - Throws: `PasswordHasherError`: `.invalidParameters` when `stored` has another algorithm,
    ///   an empty salt or invalid parameters; `.overloaded`; `.hashingFailed`. Or
    ///   `CancellationError` when the task is cancelled before the work starts.
    public func verify(_ password: String, against stored: PasswordHash, source: String = "") async throws
        -> Bool
    {
        guard stored.algorithm == Self.algorithm else {
            throw PasswordHasherError(
                code: .invalidParameters, message: "unsupported password hash algorithm \(stored.algorithm)")
        }
        try stored.parameters.validate()
        guard !stored.salt.isEmpty else {
            throw PasswordHasherError(
                code: .invalidParameters, message: "the stored password hash has no salt")
        }
        let bytes = Self.bytes(of: password)
        let derived = try await run(source: source) {
            try Self.derive(bytes, salt: stored.salt, parameters: stored.parameters)
        }
        return ConstantTime.equal(derived, stored.hash)
    }

    /// True when `stored` was made with another algorithm or other parameters than
    /// `parameters` (e.g. weaker ones), so it should be replaced.
    ///
    /// Any difference counts, so lowering `parameters` (e.g. to fit memory) migrates hashes
    /// too; a salt shorter than `saltByteCount` also asks for a rehash. Call after a
    /// successful `verify`, and store `hash(password)` when true.
    public func needsRehash(_ stored: PasswordHash) -> Bool {
        stored.algorithm != Self.algorithm || stored.parameters != parameters
            || stored.salt.count < Self.saltByteCount
    }

    /// Burns the same work as a verify, for unknown accounts (so timing does not reveal
    /// existence).
    ///
    /// Derives with `parameters` and a random salt, under the same admission limits.
    ///
    /// - Throws: Like `hash`.
    public func dummyVerify(_ password: String, source: String = "") async throws {
        let parameters = self.parameters
        try parameters.validate()
        let salt = SymmetricKey(size: SymmetricKeySize(bitCount: Self.saltByteCount * 8)).withUnsafeBytes {
            Data($0)
        }
        let bytes = Self.bytes(of: password)
        _ = try await run(source: source) { try Self.derive(bytes, salt: salt, parameters: parameters) }
    }

    /// Stops the threads; call once at shutdown.
    ///
    /// Running work finishes first; derivations still waiting for a thread, and later calls,
    /// fail with `.hashingFailed`.
    public func shutdown() async throws {
        let waiters = state.withLock { state -> [Waiter] in
            state.isShutDown = true
            let all = state.waiting.values.flatMap { $0 }
            state.waiting = [:]
            state.order = []
            state.queued = 0
            return all
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.notRunning(cause: nil)) }
        try await pool.shutdownGracefully()
    }

    // MARK: - Private

    /// Runs `work` on the pool once `source` has a thread: at once if one is free, else after
    /// waiting its turn (refused with `.overloaded` when `maxQueued` wait in all or
    /// `maxQueuedPerSource` of this source).
    private func run<T: Sendable>(source: String, _ work: @escaping @Sendable () throws -> T) async throws
        -> T
    {
        try await acquire(source: source)
        defer { releaseThread() }
        do {
            return try await pool.runIfActive {
                Self.yieldToRequestHandling()
                return try work()
            }
        } catch let error as PasswordHasherError {
            throw error
        } catch let error as CancellationError {
            // The pool also skips queued work with `CancellationError` when it shuts down.
            throw Task.isCancelled ? error : Self.notRunning(cause: error)
        } catch {
            throw Self.notRunning(cause: error)
        }
    }

    /// Takes a thread for `source`, waiting in its queue if none is free.
    private func acquire(source: String) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        let limit = maxQueued
        let perSource = maxQueuedPerSource
        let threads = maxConcurrent
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let refusal = state.withLock { state -> (any Error)? in
                    guard !state.isShutDown else { return Self.notRunning(cause: nil) }
                    if state.running < threads {
                        state.running += 1
                        continuation.resume()
                        return nil
                    }
                    guard !Task.isCancelled else { return CancellationError() }
                    let mine = state.waiting[source]?.count ?? 0
                    guard state.queued < limit, mine < perSource else {
                        return PasswordHasherError(
                            code: .overloaded,
                            message: mine >= perSource
                                ? "\(perSource) password hashes of this source already waiting"
                                : "\(threads + limit) password hashes already running or waiting")
                    }
                    if mine == 0 { state.order.append(source) }
                    state.waiting[source, default: []].append(Waiter(id: id, continuation: continuation))
                    state.queued += 1
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.remove(id, of: source) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands the thread to the next waiting derivation (sources in turn), or frees it.
    private func releaseThread() {
        let next = state.withLock { state -> Waiter? in
            if let waiter = state.next() { return waiter }
            state.running -= 1
            return nil
        }
        next?.continuation.resume()
    }

    /// Lowers the calling hashing thread's scheduling priority (nice 10), so that on a busy
    /// machine the event loops answering other calls (Health, CheckConsent) run first and a
    /// burst of logins only makes logins slower. Linux schedules threads individually.
    private static func yieldToRequestHandling() {
        #if os(Linux)
        // With PRIO_PROCESS and who = 0, Linux changes the calling thread only.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    private static func notRunning(cause: (any Error)?) -> PasswordHasherError {
        PasswordHasherError(
            code: .hashingFailed, message: "the password hasher has been shut down", cause: cause)
    }

    /// The UTF-8 bytes of `password` in Unicode NFC.
    private static func bytes(of password: String) -> [UInt8] {
        Array(password.precomposedStringWithCanonicalMapping.utf8)
    }

    /// Runs scrypt; blocks the calling thread.
    private static func derive(
        _ password: [UInt8], salt: Data, parameters: PasswordParameters
    ) throws -> Data {
        // swift-crypto needs a non-null buffer, which an empty array or `Data` may not have: pass
        // an empty password as an empty slice of a non-empty array (same bytes to scrypt).
        let storage: [UInt8] = password.isEmpty ? [0] : password
        let passwordBytes = storage[0..<password.count]
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: passwordBytes, salt: salt, outputByteCount: parameters.length, rounds: parameters.n,
                blockSize: parameters.r, parallelism: parameters.p)
            return key.withUnsafeBytes { Data($0) }
        } catch {
            throw PasswordHasherError(code: .hashingFailed, message: "scrypt failed", cause: error)
        }
    }
}
