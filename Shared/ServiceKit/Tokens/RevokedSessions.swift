import Foundation
import Synchronization

/// The sessions that ended before their access tokens expired: the verifier refuses a token
/// whose `sid` is here. Each id is kept until `forgetAfter`, when no token of that session can
/// still be valid (it was issued before the session ended, lives at most
/// `AccessTokenClaims.maximumLifetime`, plus clock skew), so the set stays bounded by the
/// sessions ended in the last `retention`.
///
/// Identity fills it in-process as its revocations commit; every other service fills it from
/// Identity with a `RevokedSessionPoller`, which also records here how fresh the list is (for
/// health).
public final class RevokedSessions: Sendable {
    /// How long after a session ends its id is kept: the longest access-token life (15 min)
    /// plus a minute of clock skew.
    public static let retention: TimeInterval = AccessTokenClaims.maximumLifetime + 60

    /// How fresh the list is, for health.
    public enum Freshness: Sendable, Equatable {
        /// Kept in the same process as the revocations (Identity).
        case local
        /// Updated from Identity `age` ago.
        case updated(age: Duration)
        /// Not updated for a while: how long since the last good update (nil: never) and why the
        /// last try failed.
        case stale(age: Duration?, reason: String)
    }

    private struct State {
        var forgetAfter: [String: Date] = [:]
        var cursor = ""
        /// On the monotonic clock: the token clock (`now`) may be a test's.
        var lastUpdate: ContinuousClock.Instant?
        var lastFailure: String?
        var local = false
    }

    private let state = Mutex(State())

    /// An empty list.
    public init() {}

    /// Whether session `id` has ended.
    public func contains(_ id: String) -> Bool {
        state.withLock { $0.forgetAfter[id] != nil }
    }

    /// How many ended sessions are known (tests; bounded by `retention`).
    public var count: Int {
        state.withLock { $0.forgetAfter.count }
    }

    /// The cursor to ask Identity from next ("" at first).
    public var cursor: String {
        state.withLock { $0.cursor }
    }

    /// Adds sessions that ended (Identity, as its transaction commits); the list is then local.
    public func insert(_ sessions: [(id: String, forgetAfter: Date)], now: Date) {
        state.withLock { state in
            state.local = true
            for session in sessions { state.forgetAfter[session.id] = session.forgetAfter }
            Self.prune(&state, now: now)
        }
    }

    /// Merges one answer from Identity and moves the cursor on; entries past their
    /// `forgetAfter` are dropped.
    public func apply(_ page: RevokedSessionPage, now: Date) {
        state.withLock { state in
            for session in page.sessions {
                state.forgetAfter[session.id] = max(
                    state.forgetAfter[session.id] ?? .distantPast, session.forgetAfter)
            }
            state.cursor = page.nextCursor
            state.lastUpdate = .now
            state.lastFailure = nil
            Self.prune(&state, now: now)
        }
    }

    /// Records that updating failed (the list is kept as it is); true when the previous try
    /// had succeeded (the first failure of a run, worth a log line).
    @discardableResult
    public func recordFailure(_ reason: String) -> Bool {
        state.withLock { state in
            defer { state.lastFailure = reason }
            return state.lastFailure == nil
        }
    }

    /// How fresh the list is: stale when the last good update is older than `staleAfter` (or
    /// there never was one).
    public func freshness(staleAfter: Duration) -> Freshness {
        state.withLock { state in
            if state.local { return .local }
            let age = state.lastUpdate.map { ContinuousClock.now - $0 }
            if let age, age <= staleAfter { return .updated(age: age) }
            return .stale(age: age, reason: state.lastFailure ?? "no answer from Identity yet")
        }
    }

    private static func prune(_ state: inout State, now: Date) {
        state.forgetAfter = state.forgetAfter.filter { $0.value >= now }
    }
}
