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

    private let pool: NIOThreadPool
    /// Derivations admitted and not finished (running or waiting), and whether `shutdown` was
    /// called.
    private let state = Mutex(State())

    private struct State {
        var admitted = 0
        var isShutDown = false
    }

    /// Starts `maxConcurrent` threads (at least 1); `maxQueued` below 0 counts as 0.
    ///
    /// Parameters are checked when used: with invalid ones, `hash` and `dummyVerify` throw
    /// `.invalidParameters`.
    public init(parameters: PasswordParameters = .standard, maxConcurrent: Int = 2, maxQueued: Int = 64) {
        self.parameters = parameters
        self.maxConcurrent = min(max(1, maxConcurrent), 1024)
        self.maxQueued = min(max(0, maxQueued), 1 << 20)
        pool = NIOThreadPool(numberOfThreads: self.maxConcurrent)
        pool.start()
    }

    /// Derivations admitted and not yet finished (running or waiting), e.g. for metrics.
    public var inFlight: Int {
        state.withLock { $0.admitted }
    }

    /// Hashes `password` with `parameters` and a fresh random salt.
    ///
    /// - Throws: `PasswordHasherError` (`.overloaded`, `.invalidParameters`, `.hashingFailed`),
    ///   or `CancellationError` when the task is cancelled before the work starts.
    public func hash(_ password: String) async throws -> PasswordHash {
        let parameters = self.parameters
        try parameters.validate()
        let salt = SymmetricKey(size: SymmetricKeySize(bitCount: Self.saltByteCount * 8)).withUnsafeBytes {
            Data($0)
        }
        let bytes = Self.bytes(of: password)
        let derived = try await run { try Self.derive(bytes, salt: salt, parameters: parameters) }
        return PasswordHash(algorithm: Self.algorithm, parameters: parameters, salt: salt, hash: derived)
    }

    /// Whether `password` is the one `stored` was made from, comparing the derived key in
    /// constant time.
    ///
    /// Derives with `stored.parameters` and `stored.salt` (not `parameters`), so old hashes
    /// keep verifying after the parameters are raised; see `needsRehash`.
    ///
    /// - Throws: `PasswordHasherError`: `.invalidParameters` when `stored` has another algorithm,
    ///   an empty salt or invalid parameters; `.overloaded`; `.hashingFailed`. Or
    ///   `CancellationError` when the task is cancelled before the work starts.
    public func verify(_ password: String, against stored: PasswordHash) async throws -> Bool {
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
        let derived = try await run {
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
    public func dummyVerify(_ password: String) async throws {
        let parameters = self.parameters
        try parameters.validate()
        let salt = SymmetricKey(size: SymmetricKeySize(bitCount: Self.saltByteCount * 8)).withUnsafeBytes {
            Data($0)
        }
        let bytes = Self.bytes(of: password)
        _ = try await run { try Self.derive(bytes, salt: salt, parameters: parameters) }
    }

    /// Stops the threads; call once at shutdown.
    ///
    /// Work already submitted finishes first; later calls fail with `.hashingFailed`.
    public func shutdown() async throws {
        state.withLock { $0.isShutDown = true }
        try await pool.shutdownGracefully()
    }

    // MARK: - Private

    /// Admits `work` if fewer than `maxConcurrent + maxQueued` derivations are in flight and runs
    /// it on the pool.
    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let limit = maxConcurrent + maxQueued
        let admission = state.withLock { state -> PasswordHasherError? in
            guard !state.isShutDown else { return Self.notRunning(cause: nil) }
            guard state.admitted < limit else {
                return PasswordHasherError(
                    code: .overloaded, message: "\(limit) password hashes already running or waiting")
            }
            state.admitted += 1
            return nil
        }
        if let admission {
            throw admission
        }
        defer { state.withLock { $0.admitted -= 1 } }
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
