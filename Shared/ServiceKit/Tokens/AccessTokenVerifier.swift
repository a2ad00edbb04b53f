import Crypto
import Foundation
import Metrics
import Synchronization

/// Verifies access tokens locally: caches the signing keys, refetches when a token names an
/// unknown key id (at most once per `refetchInterval`, so random key ids cannot make it hammer
/// Identity; concurrent misses share one fetch), checks iss/aud, expiry and iat with `clockSkew`,
/// a life (`exp − iat`) of at most `AccessTokenClaims.maximumLifetime`, and (if set) the expected
/// organisation. Caches verified tokens by their exact text until they expire (bounded LRU-ish,
/// `cacheCapacity`), so a token sent with many calls is verified once. With `revokedSessions`,
/// a token whose session (`sid`) has ended is refused, also when it is already cached.
///
/// Errors are `TokenError`s: `UNAUTHENTICATED` on the wire, `UNAVAILABLE` when no keys can be
/// fetched.
public final class AccessTokenVerifier: TokenVerifier {
    /// Tokens longer than this (in UTF-8 bytes) are refused before parsing.
    public static let maximumTokenLength = 8 * 1024

    /// A verified token, kept until `validUntil`.
    private struct CachedToken {
        var claims: AccessTokenClaims
        var principal: Principal
        var keyID: String
        /// The earlier of expiry plus skew and the signing key's `notAfter`.
        var validUntil: Date
        var lastUsed: UInt64
    }

    private struct State {
        var keys: [String: VerificationKey] = [:]
        /// Why the last fetch failed; nil after a successful one.
        var lastError: (any Error)?
        var lastFetchStart: Date?
        var fetch: Task<Void, Never>?
        /// Bumped by `reset()`, so work started before it does not write into the new state.
        var generation: UInt64 = 0
        var tokens: [String: CachedToken] = [:]
        var useCounter: UInt64 = 0
    }

    private enum CacheLookup {
        case hit(CachedToken)
        case expired
        case miss
    }

    private enum KeyLookup {
        case found(VerificationKey, generation: UInt64)
        case retired(Date)
        case wait(Task<Void, Never>)
        case unknown
        case unavailable((any Error)?)
    }

    private let source: any SigningKeySource
    private let clockSkew: TimeInterval
    private let refetchInterval: TimeInterval
    private let expectedOrganization: String?
    private let cacheCapacity: Int
    private let now: @Sendable () -> Date
    private let revokedSessions: RevokedSessions?
    private let state = Mutex(State())
    private let signatureChecks = Atomic<Int>(0)
    /// `tillit_token_verifier_cache_total{result="hit"|"miss"}`: tokens answered from the cache,
    /// and tokens whose signature was checked.
    private let cacheHits = Counter(
        label: "tillit_token_verifier_cache_total", dimensions: [("result", "hit")])
    private let cacheMisses = Counter(
        label: "tillit_token_verifier_cache_total", dimensions: [("result", "miss")])

    /// A verifier of tokens signed with the keys `source` publishes.
    public init(
        source: any SigningKeySource, clockSkew: Duration = .seconds(30),
        refetchInterval: Duration = .seconds(5),
        expectedOrganization: String? = nil, cacheCapacity: Int = 10_000,
        revokedSessions: RevokedSessions? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.revokedSessions = revokedSessions
        self.source = source
        self.clockSkew = Self.seconds(clockSkew)
        self.refetchInterval = Self.seconds(refetchInterval)
        self.expectedOrganization = expectedOrganization
        self.cacheCapacity = max(0, cacheCapacity)
        self.now = now
    }

    /// The principal of a valid token; throws `TokenError` otherwise.
    public func verify(_ token: String) async throws -> Principal {
        try await verified(token).principal
    }

    /// The claims of a valid token (same checks as verify).
    public func verifyClaims(_ token: String) async throws -> AccessTokenClaims {
        try await verified(token).claims
    }

    /// Drops cached keys and verified tokens (tests; key revocation).
    public func reset() {
        state.withLock { state in
            state.generation &+= 1
            state.keys = [:]
            state.lastError = nil
            state.lastFetchStart = nil
            state.fetch = nil
            state.tokens = [:]
        }
    }

    /// How many signatures this verifier has checked (tests: cached tokens are not checked again).
    var signatureCheckCount: Int {
        signatureChecks.load(ordering: .relaxed)
    }

    /// How many verified tokens are cached.
    var cachedTokenCount: Int {
        state.withLock { $0.tokens.count }
    }

    private func verified(_ token: String) async throws -> CachedToken {
        guard token.utf8.count <= Self.maximumTokenLength else {
            throw TokenError(code: .malformed, message: "the token is longer than 8 KiB")
        }
        let now = self.now()
        let entry: CachedToken
        switch cached(token, now: now) {
        case .hit(let hit):
            cacheHits.increment()
            entry = hit
        case .expired:
            throw TokenError(code: .expired, message: "the token has expired")
        case .miss:
            cacheMisses.increment()
            entry = try await verifyUncached(token, now: now)
        }
        if let session = entry.claims.sessionID, let revokedSessions, revokedSessions.contains(session) {
            throw TokenError(code: .revoked, message: "the token's session \(session.prefix(8)) has ended")
        }
        return entry
    }

    /// The cached verification of `token`, if still valid; a stale entry is evicted.
    private func cached(_ token: String, now: Date) -> CacheLookup {
        state.withLock { state in
            guard let index = state.tokens.index(forKey: token) else { return .miss }
            let entry = state.tokens.values[index]
            if now <= entry.validUntil {
                state.useCounter &+= 1
                state.tokens.values[index].lastUsed = state.useCounter
                return .hit(entry)
            }
            state.tokens.remove(at: index)
            // Past its key's notAfter but not expired: verify again for the precise error.
            return now.timeIntervalSince(entry.claims.expiresAt) > clockSkew ? .expired : .miss
        }
    }

    private func verifyUncached(_ token: String, now: Date) async throws -> CachedToken {
        let parts = try PASETOV4Public.parse(token)
        let keyID = try KeyIDFooter.decode(parts.footer).kid
        let (key, generation) = try await key(named: keyID, now: now)
        signatureChecks.add(1, ordering: .relaxed)
        let message = try PASETOV4Public.verify(parts, key: key.publicKey)
        let claims: AccessTokenClaims
        do {
            claims = try JSONDecoder().decode(AccessTokenClaims.self, from: message)
        } catch {
            throw TokenError(code: .malformed, message: "the token's claims cannot be decoded", cause: error)
        }
        try check(claims, now: now)
        let entry = CachedToken(
            claims: claims, principal: claims.principal, keyID: keyID,
            validUntil: min(claims.expiresAt.addingTimeInterval(clockSkew), key.notAfter), lastUsed: 0)
        remember(token, entry, generation: generation, now: now)
        return entry
    }

    private func check(_ claims: AccessTokenClaims, now: Date) throws {
        guard claims.issuer == AccessTokenClaims.defaultIssuer else {
            throw TokenError(
                code: .wrongAudience, message: "the token's issuer is not \(AccessTokenClaims.defaultIssuer)")
        }
        guard claims.audience == AccessTokenClaims.defaultAudience else {
            throw TokenError(
                code: .wrongAudience,
                message: "the token's audience is not \(AccessTokenClaims.defaultAudience)")
        }
        guard claims.expiresAt >= claims.issuedAt else {
            throw TokenError(code: .malformed, message: "the token expires before it was issued")
        }
        guard claims.expiresAt.timeIntervalSince(claims.issuedAt) <= AccessTokenClaims.maximumLifetime else {
            throw TokenError(
                code: .lifetimeTooLong, message: "the token lives longer than 15 minutes (exp − iat)")
        }
        guard now.timeIntervalSince(claims.expiresAt) <= clockSkew else {
            throw TokenError(code: .expired, message: "the token expired at \(claims.expiresAt)")
        }
        guard claims.issuedAt.timeIntervalSince(now) <= clockSkew else {
            throw TokenError(
                code: .notYetValid, message: "the token is issued at \(claims.issuedAt), in the future")
        }
        if let expectedOrganization, claims.organization != expectedOrganization {
            throw TokenError(
                code: .wrongOrganization,
                message: "the token is for organisation \(claims.organization), not \(expectedOrganization)")
        }
    }

    /// Caches a verified token; when full, drops expired entries, then the least recently used
    /// quarter.
    private func remember(_ token: String, _ entry: CachedToken, generation: UInt64, now: Date) {
        guard cacheCapacity > 0 else { return }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.tokens.count >= cacheCapacity, state.tokens[token] == nil {
                state.tokens = state.tokens.filter { now <= $0.value.validUntil }
                if state.tokens.count >= cacheCapacity {
                    let excess = state.tokens.count - cacheCapacity + 1
                    let victims = state.tokens.sorted { $0.value.lastUsed < $1.value.lastUsed }
                        .prefix(max(excess, cacheCapacity / 4))
                    for victim in victims {
                        state.tokens.removeValue(forKey: victim.key)
                    }
                }
            }
            var entry = entry
            state.useCounter &+= 1
            entry.lastUsed = state.useCounter
            state.tokens[token] = entry
        }
    }

    /// The usable key `keyID` names, fetching the key set if it is unknown and the last fetch
    /// is at least `refetchInterval` old (or joining a fetch in flight).
    private func key(named keyID: String, now: Date) async throws -> (VerificationKey, UInt64) {
        var waited = false
        while true {
            let lookup = state.withLock { state -> KeyLookup in
                if let key = state.keys[keyID] {
                    return now <= key.notAfter
                        ? .found(key, generation: state.generation) : .retired(key.notAfter)
                }
                if !waited {
                    if let fetch = state.fetch {
                        return .wait(fetch)
                    }
                    // A clock that went backwards does not block fetching until it catches up.
                    let sinceLastFetch = state.lastFetchStart.map { now.timeIntervalSince($0) } ?? .infinity
                    if sinceLastFetch < 0 || sinceLastFetch >= refetchInterval {
                        state.lastFetchStart = now
                        let generation = state.generation
                        let fetch = Task { await self.fetchKeys(generation: generation) }
                        state.fetch = fetch
                        return .wait(fetch)
                    }
                }
                return state.lastError == nil ? .unknown : .unavailable(state.lastError)
            }
            switch lookup {
            case .found(let key, let generation):
                return (key, generation)
            case .retired(let notAfter):
                throw TokenError(
                    code: .unknownKey,
                    message: "the token's key \(keyID.prefix(64)) is retired since \(notAfter)")
            case .unknown:
                throw TokenError(
                    code: .unknownKey, message: "the token's key \(keyID.prefix(64)) is not published")
            case .unavailable(let cause):
                throw TokenError(
                    code: .keysUnavailable, message: "cannot fetch the signing keys", cause: cause)
            case .wait(let fetch):
                await fetch.value
                waited = true
            }
        }
    }

    /// Fetches the key set and installs it (unless `reset()` came in between); cached tokens
    /// signed with a key that is no longer published are dropped.
    private func fetchKeys(generation: UInt64) async {
        let result: Result<[VerificationKey], any Error>
        do {
            result = .success(try await source.fetchSigningKeys())
        } catch {
            result = .failure(error)
        }
        state.withLock { state in
            guard state.generation == generation else { return }
            state.fetch = nil
            switch result {
            case .success(let keys):
                var byID: [String: VerificationKey] = [:]
                for key in keys where byID[key.keyID] == nil {
                    byID[key.keyID] = key
                }
                state.keys = byID
                state.lastError = nil
                state.tokens = state.tokens.filter { byID[$0.value.keyID] != nil }
            case .failure(let error):
                state.lastError = error
            }
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
