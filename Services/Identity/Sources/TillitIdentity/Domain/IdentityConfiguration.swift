import Foundation
import TillitServiceKit

/// What Identity reads from the environment beyond `ServiceConfiguration`, with defaults that
/// suit a practice; read in one place, `init(environment:)`.
public struct IdentityConfiguration: Sendable {
    /// `TILLIT_IDENTITY_BOOTSTRAP_SECRET`: allows Bootstrap once an organisation exists (for a
    /// host running several practices). Unset: Bootstrap works only on an empty database.
    public var bootstrapSecret: String?
    /// How long an access token is valid; at most 15 minutes (`TILLIT_IDENTITY_ACCESS_TOKEN_SECONDS`).
    public var accessTokenLifetime: Duration
    /// How long a refresh token is valid (`TILLIT_IDENTITY_REFRESH_TOKEN_DAYS`, default 14).
    public var refreshTokenLifetime: Duration
    /// How old the signing key may get before a new one replaces it
    /// (`TILLIT_IDENTITY_KEY_ROTATION_DAYS`, default 30).
    public var signingKeyRotation: Duration
    /// scrypt parameters for new hashes (N=2^17, r=8, p=1); `TILLIT_IDENTITY_SCRYPT_LOG2_N`
    /// (10–20) changes N, lower only for tests (hashes are upgraded at the next login once raised).
    public var passwordParameters: PasswordParameters
    /// Password hashes computed at once (`TILLIT_IDENTITY_MAX_CONCURRENT_HASHES`, default 2, ~128 MiB each).
    public var maxConcurrentHashes: Int
    /// Logins waiting for a hashing slot before RESOURCE_EXHAUSTED (default 64).
    public var maxQueuedHashes: Int
    /// Key-encryption keys for TOTP secrets by version (`TILLIT_IDENTITY_TOTP_KEYS`, e.g.
    /// `1:<base64 32 bytes>,2:<…>`); empty means a key file in the data directory.
    public var totpKeys: [Int: Data]
    /// The version new TOTP secrets are sealed with (`TILLIT_IDENTITY_TOTP_KEY_VERSION`, default the highest).
    public var totpKeyVersion: Int?
    /// The issuer shown in authenticator apps.
    public var totpIssuer: String
    /// Login throttling; `TILLIT_IDENTITY_SOURCE_FAILURES` sets `addressFailures` (default 30).
    public var throttle: ThrottlePolicy

    /// Defaults throughout.
    public init(
        bootstrapSecret: String? = nil,
        accessTokenLifetime: Duration = .seconds(15 * 60),
        refreshTokenLifetime: Duration = .seconds(14 * 86_400),
        signingKeyRotation: Duration = .seconds(30 * 86_400),
        passwordParameters: PasswordParameters = .standard,
        maxConcurrentHashes: Int = 2,
        maxQueuedHashes: Int = 64,
        totpKeys: [Int: Data] = [:],
        totpKeyVersion: Int? = nil,
        totpIssuer: String = "Tillit",
        throttle: ThrottlePolicy = ThrottlePolicy()
    ) {
        self.bootstrapSecret = bootstrapSecret
        self.accessTokenLifetime = min(accessTokenLifetime, .seconds(15 * 60))
        self.refreshTokenLifetime = refreshTokenLifetime
        self.signingKeyRotation = signingKeyRotation
        self.passwordParameters = passwordParameters
        self.maxConcurrentHashes = maxConcurrentHashes
        self.maxQueuedHashes = maxQueuedHashes
        self.totpKeys = totpKeys
        self.totpKeyVersion = totpKeyVersion
        self.totpIssuer = totpIssuer
        self.throttle = throttle
    }

    /// Reads the `TILLIT_IDENTITY_*` variables.
    ///
    /// - Throws: `ConfigurationError` naming the variable that cannot be used.
    public init(environment: [String: String]) throws {
        self.init()
        if let secret = environment["TILLIT_IDENTITY_BOOTSTRAP_SECRET"], !secret.isEmpty {
            guard secret.utf8.count >= 16 else {
                throw ConfigurationError(
                    variable: "TILLIT_IDENTITY_BOOTSTRAP_SECRET", message: "must be at least 16 characters")
            }
            bootstrapSecret = secret
        }
        if let seconds = try Self.integer(
            "TILLIT_IDENTITY_ACCESS_TOKEN_SECONDS", environment, range: 30...900)
        {
            accessTokenLifetime = .seconds(seconds)
        }
        if let days = try Self.integer("TILLIT_IDENTITY_REFRESH_TOKEN_DAYS", environment, range: 1...90) {
            refreshTokenLifetime = .seconds(days * 86_400)
        }
        if let days = try Self.integer("TILLIT_IDENTITY_KEY_ROTATION_DAYS", environment, range: 1...365) {
            signingKeyRotation = .seconds(days * 86_400)
        }
        if let log2 = try Self.integer("TILLIT_IDENTITY_SCRYPT_LOG2_N", environment, range: 10...20) {
            // Lower than 17 only for tests and demos on slow machines: it weakens stored hashes.
            passwordParameters.n = 1 << log2
        }
        if let count = try Self.integer("TILLIT_IDENTITY_MAX_CONCURRENT_HASHES", environment, range: 1...64) {
            maxConcurrentHashes = count
        }
        // For clients that share one source (a NAT, a relaying portal, a benchmark).
        if let count = try Self.integer(
            "TILLIT_IDENTITY_SOURCE_FAILURES", environment, range: 1...1_000_000)
        {
            throttle.addressFailures = count
        }
        if let text = environment["TILLIT_IDENTITY_TOTP_KEYS"], !text.isEmpty {
            totpKeys = try VersionedKeys.parse(text, variable: "TILLIT_IDENTITY_TOTP_KEYS")
        }
        if let version = try Self.integer(
            "TILLIT_IDENTITY_TOTP_KEY_VERSION", environment, range: 0...1_000_000)
        {
            guard totpKeys[version] != nil else {
                throw ConfigurationError(
                    variable: "TILLIT_IDENTITY_TOTP_KEY_VERSION",
                    message: "no key of version \(version) in TILLIT_IDENTITY_TOTP_KEYS")
            }
            totpKeyVersion = version
        }
    }

    private static func integer(
        _ name: String, _ environment: [String: String], range: ClosedRange<Int>
    ) throws -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name, message: "expected an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }
}

/// When failed logins lock a (account, source) pair or a source, and how fast one account may
/// be guessed at from everywhere (docs/security.md, "Login throttling"). A source is an IPv4
/// address or an IPv6 /64. Every attempt is counted before its password is hashed; a success
/// gives its count back.
public struct ThrottlePolicy: Sendable {
    /// Failures of one account from one source before that pair is locked (`firstLock`,
    /// doubling). Only the pair: the same account from another source is not locked.
    public var pairFailures: Int
    /// Failures from one source (any account) before the source is locked.
    public var addressFailures: Int
    /// Failures of one account from all sources together per `window` (the slower, account-wide
    /// rate): beyond it, sources that have not signed in to the account before are refused until
    /// the window ends; it never locks the account for longer, and a source the account signed
    /// in from within `trustedSourceLifetime` is not held to it.
    public var accountFailures: Int
    /// The window failures are counted in.
    public var window: Duration
    /// The first lock; each further lock of the same subject doubles it, up to `maximumLock`.
    public var firstLock: Duration
    /// The longest lock.
    public var maximumLock: Duration
    /// How long after a successful sign-in its source stays exempt from the account-wide rate.
    public var trustedSourceLifetime: Duration
    /// Failed logins of unknown e-mails audited one by one per organisation and hour; beyond,
    /// they are counted and audited as one event when the hour is over.
    public var unknownAccountAuditsPerHour: Int

    /// Pairs: 5 failures in 15 minutes; sources: 30; accounts: 20 from untrusted sources; locks
    /// of 1 minute doubling to 1 hour; trusted sources for 30 days; 20 unknown-account audit
    /// events per organisation and hour.
    public init(
        pairFailures: Int = 5, addressFailures: Int = 30, accountFailures: Int = 20,
        window: Duration = .seconds(15 * 60), firstLock: Duration = .seconds(60),
        maximumLock: Duration = .seconds(3600), trustedSourceLifetime: Duration = .seconds(30 * 86_400),
        unknownAccountAuditsPerHour: Int = 20
    ) {
        self.pairFailures = pairFailures
        self.addressFailures = addressFailures
        self.accountFailures = accountFailures
        self.window = window
        self.firstLock = firstLock
        self.maximumLock = maximumLock
        self.trustedSourceLifetime = trustedSourceLifetime
        self.unknownAccountAuditsPerHour = unknownAccountAuditsPerHour
    }
}
